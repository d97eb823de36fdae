/**
 * --delete: DeleteGroups at each group's coordinator; Kafka's success line, or its list of
 * groups that could not be deleted and why.
 */
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { deleteGroups as deleteGroupsRequest } from '../../engine/client/admin/groups.js';
import { printError, targetGroups, type Ctx } from './context.js';
import type { GroupsOptions } from './options.js';
import { javaText } from '../../cli/kafka-text.js';

/** The exceptions Kafka's tool prints for a failed deletion, by error code: [Java class, message]. */
const DELETE_ERRORS: ReadonlyMap<number, readonly [string, string]> = new Map([
  [ErrorCode.NON_EMPTY_GROUP, ['org.apache.kafka.common.errors.GroupNotEmptyException', 'The group is not empty.']],
  [ErrorCode.GROUP_ID_NOT_FOUND, ['org.apache.kafka.common.errors.GroupIdNotFoundException', 'The group id does not exist.']],
  [ErrorCode.INVALID_GROUP_ID, ['org.apache.kafka.common.errors.InvalidGroupIdException', 'The configured groupId is invalid.']],
  [ErrorCode.GROUP_AUTHORIZATION_FAILED, ['org.apache.kafka.common.errors.GroupAuthorizationException', 'Not authorized to access group.']],
]);

/** Why a group was not deleted: Kafka's ExecutionException text with MQ_KAFKA_ERRORS, else the message alone. */
function deleteError(env: NodeJS.ProcessEnv, code: number): string {
  const known = DELETE_ERRORS.get(code);
  const text = known ? javaText(env, known[0], known[1]) : errorName(code);
  return javaText(env, 'java.util.concurrent.ExecutionException', text);
}

export async function deleteGroups(ctx: Ctx, o: GroupsOptions): Promise<void> {
  const groups = await targetGroups(ctx, o);
  const results = await deleteGroupsRequest(ctx.cluster, groups);
  const ok = groups.filter((g) => results.get(g) === ErrorCode.NONE);
  const bad = groups.filter((g) => results.get(g) !== ErrorCode.NONE);
  if (ctx.out.json) {
    ctx.out.document({ deleted: ok, failed: bad.map((g) => ({ group: g, error: errorName(results.get(g) ?? ErrorCode.UNKNOWN_SERVER_ERROR) })) });
  } else if (bad.length === 0) {
    void ctx.out.write(`Deletion of requested consumer groups (${ok.map((g) => `'${g}'`).join(', ')}) was successful.\n`);
  } else {
    let text = '\nError: Deletion of some consumer groups failed:\n';
    for (const g of bad) {
      const code = results.get(g) ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      text += `* Group '${g}' could not be deleted due to: ${deleteError(ctx.env, code)}\n`;
    }
    if (ok.length) text += `\nThese consumer groups were deleted successfully: ${ok.map((g) => `'${g}'`).join(', ')}\n`;
    printError(ctx, text);
  }
  if (bad.length) ctx.failed = true;
}
