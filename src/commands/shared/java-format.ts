/**
 * Number and date formatting as the Java perf tools print them.
 *
 *   javaFixed(1.005, 2)   // "1.01"  (Java's Formatter rounds the shortest decimal form HALF_UP)
 *   javaFixed(NaN, 4)     // "NaN";  javaFixed(1 / 0, 4) // "Infinity"
 *   simpleDateFormat('yyyy-MM-dd HH:mm:ss:SSS')(Date.now())  // java.text.SimpleDateFormat subset, local time
 */

/** Java's `%.<digits>f`: HALF_UP on the shortest decimal representation of the double. */
export function javaFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  const neg = x < 0 || Object.is(x, -0);
  let s = String(Math.abs(x));
  if (/e/i.test(s)) s = Math.abs(x).toFixed(Math.min(100, digits + 20)).replace(/0+$/, '').replace(/\.$/, '');
  let [int, frac = ''] = s.split('.') as [string, string?];
  if (frac.length <= digits) {
    frac = frac.padEnd(digits, '0');
  } else {
    const roundUp = frac.charCodeAt(digits) >= 53; // '5'
    frac = frac.slice(0, digits);
    if (roundUp) {
      const digitsAll = (int + frac).split('').map(Number);
      let i = digitsAll.length - 1;
      for (; i >= 0; i--) {
        if (digitsAll[i]! < 9) {
          digitsAll[i]!++;
          break;
        }
        digitsAll[i] = 0;
      }
      if (i < 0) digitsAll.unshift(1);
      const joined = digitsAll.join('');
      int = joined.slice(0, joined.length - digits);
      frac = joined.slice(joined.length - digits);
    }
  }
  const body = digits > 0 ? `${int}.${frac}` : int;
  return neg && /[1-9]/.test(body) ? `-${body}` : body;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export class DateFormatError extends Error {}

/**
 * A java.text.SimpleDateFormat pattern compiled to a formatter (local time zone). Letters:
 * y M d H h k K m s S E a z Z X u D; 'quoted text' and '' for a quote; other letters are refused
 * as Java does ("Illegal pattern character 'x'").
 */
export function simpleDateFormat(pattern: string): (ms: number) => string {
  type Part = string | ((d: Date) => string);
  const parts: Part[] = [];
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        parts.push("'");
        i += 2;
        continue;
      }
      if (end < 0) throw new DateFormatError('Unterminated quote');
      parts.push(pattern.slice(i + 1, end).replace(/''/g, "'"));
      i = end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      parts.push(c);
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    i += n;
    const tz = (d: Date, colon: boolean) => {
      const off = -d.getTimezoneOffset();
      const sign = off >= 0 ? '+' : '-';
      const a = Math.abs(off);
      return `${sign}${pad(Math.floor(a / 60), 2)}${colon ? ':' : ''}${pad(a % 60, 2)}`;
    };
    switch (c) {
      case 'y':
        parts.push((d) => (n === 2 ? pad(d.getFullYear() % 100, 2) : pad(d.getFullYear(), n)));
        break;
      case 'M':
        parts.push((d) => (n >= 4 ? MONTHS[d.getMonth()]! : n === 3 ? MONTHS[d.getMonth()]!.slice(0, 3) : pad(d.getMonth() + 1, n)));
        break;
      case 'd':
        parts.push((d) => pad(d.getDate(), n));
        break;
      case 'H':
        parts.push((d) => pad(d.getHours(), n));
        break;
      case 'k':
        parts.push((d) => pad(d.getHours() || 24, n));
        break;
      case 'K':
        parts.push((d) => pad(d.getHours() % 12, n));
        break;
      case 'h':
        parts.push((d) => pad(d.getHours() % 12 || 12, n));
        break;
      case 'm':
        parts.push((d) => pad(d.getMinutes(), n));
        break;
      case 's':
        parts.push((d) => pad(d.getSeconds(), n));
        break;
      case 'S':
        parts.push((d) => pad(d.getMilliseconds(), n));
        break;
      case 'E':
        parts.push((d) => (n >= 4 ? DAYS[d.getDay()]! : DAYS[d.getDay()]!.slice(0, 3)));
        break;
      case 'u':
        parts.push((d) => pad(d.getDay() || 7, n));
        break;
      case 'D': {
        parts.push((d) => pad(Math.floor((Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) - Date.UTC(d.getFullYear(), 0, 1)) / 86400000) + 1, n));
        break;
      }
      case 'a':
        parts.push((d) => (d.getHours() < 12 ? 'AM' : 'PM'));
        break;
      case 'Z':
        parts.push((d) => tz(d, false));
        break;
      case 'X':
        parts.push((d) => (d.getTimezoneOffset() === 0 ? 'Z' : n === 1 ? tz(d, false).slice(0, 3) : tz(d, n >= 3)));
        break;
      case 'z':
        parts.push((d) => {
          const name = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value;
          return name ?? `GMT${tz(d, true)}`;
        });
        break;
      default:
        throw new DateFormatError(`Illegal pattern character '${c}'`);
    }
  }
  return (ms: number) => {
    const d = new Date(ms);
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(d);
    return out;
  };
}
