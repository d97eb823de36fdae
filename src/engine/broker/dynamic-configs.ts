/**
 * The broker's and groups' dynamic configs (kafka-configs --alter on a broker, the cluster default
 * entity or a group), kept in memory and persisted in meta/dynamic-configs.json.
 */
import { join } from 'node:path';
import { writeJsonAtomic } from '../log/atomic-file.js';
import { RECOVERY, dynamicConfigsFile, readMetaFile } from '../log/meta-files.js';
import type { BrokerSettings, DynamicScope } from './config.js';

interface DynamicConfigFile {
  version: 1;
  /** This broker's own dynamic configs (resource name = node id). */
  broker: Record<string, string>;
  /** Cluster-wide dynamic defaults (resource name ""); absent in files written before it existed. */
  brokerDefault?: Record<string, string>;
  groups: Record<string, Record<string, string>>;
}

/** Dynamic broker and group configs, kept in memory and written atomically on change. */
export class DynamicConfigs {
  private data: DynamicConfigFile = { version: 1, broker: {}, brokerDefault: {}, groups: {} };

  private constructor(private readonly file: string) {}

  static async open(dataDir: string, settings: BrokerSettings): Promise<DynamicConfigs> {
    const d = new DynamicConfigs(join(dataDir, 'meta', 'dynamic-configs.json'));
    const loaded = await readMetaFile(d.file, dynamicConfigsFile, RECOVERY.dynamicConfigs);
    if (loaded) {
      d.data = { version: 1, broker: loaded.broker ?? {}, brokerDefault: loaded.brokerDefault ?? {}, groups: loaded.groups ?? {} };
    }
    for (const [k, v] of Object.entries(d.data.broker)) settings.setDynamic(k, v, 'broker');
    for (const [k, v] of Object.entries(d.data.brokerDefault ?? {})) settings.setDynamic(k, v, 'default');
    return d;
  }

  /** The dynamic configs of this broker ('broker') or of the cluster default entity ('default'). */
  broker(scope: DynamicScope): Readonly<Record<string, string>> {
    return (scope === 'broker' ? this.data.broker : this.data.brokerDefault) ?? {};
  }

  group(name: string): Readonly<Record<string, string>> {
    return this.data.groups[name] ?? {};
  }

  /** Replaces one scope's dynamic set; the other scope is left alone. */
  async setBroker(scope: DynamicScope, values: Record<string, string>, settings: BrokerSettings): Promise<void> {
    for (const k of Object.keys(this.broker(scope))) if (!(k in values)) settings.setDynamic(k, undefined, scope);
    if (scope === 'broker') this.data.broker = { ...values };
    else this.data.brokerDefault = { ...values };
    for (const [k, v] of Object.entries(values)) settings.setDynamic(k, v, scope);
    await writeJsonAtomic(this.file, this.data);
  }

  async setGroup(name: string, values: Record<string, string>): Promise<void> {
    if (Object.keys(values).length === 0) delete this.data.groups[name];
    else this.data.groups[name] = { ...values };
    await writeJsonAtomic(this.file, this.data);
  }
}
