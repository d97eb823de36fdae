/**
 * node dist/cli/cluster-watchdog.js <owner-pid> <jvm-pid>
 *
 * Started next to each mq-cluster node only when MQ_CLUSTER_OWNER_PID is set (the test suites and
 * benchmarks): it polls both pids and, when the owner is gone (a test runner SIGKILLed before its
 * cleanup ran), kills the JVM's process group. It exits as soon as the JVM does. A separate
 * process rather than prctl(PR_SET_PDEATHSIG), which Node cannot set and which would tie the JVM
 * to the short-lived `mq-cluster up` rather than to the test process.
 */
const [owner, jvm] = process.argv.slice(2).map(Number);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

if (!owner || !jvm) process.exit(2);
const timer = setInterval(() => {
  if (!alive(jvm)) {
    clearInterval(timer);
    return;
  }
  if (!alive(owner)) {
    try {
      process.kill(-jvm, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
    clearInterval(timer);
  }
}, 500);
