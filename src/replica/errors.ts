import * as Data from 'effect/Data'

/**
 * A read replica was asked to write. The host is the only writer (docs/design.md, fact 3: several
 * processes committing through one sync backend wedge replicas and duplicate events in
 * LiveStore 0.4.0), so a replica refuses every write before it reads or validates anything.
 */
export class ReplicaReadOnly extends Data.TaggedError('ReplicaReadOnly')<{ readonly operation: string }> {
  override get message() {
    return `${this.operation} refused: this is a read replica, and replicas never write (the queue host is the only writer); send writes to the host instead: its HTTP API (\`connect({ server: URL })\`, \`livequeue enqueue --server URL\`) or the process that runs openQueue`
  }
}
