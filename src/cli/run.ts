import { ValidationError } from '@effect/cli'
// Submodules, not the package root: the root loads the HTTP stack too (≈0.4 s per command).
import * as NodeContext from '@effect/platform-node/NodeContext'
import * as NodeRuntime from '@effect/platform-node/NodeRuntime'
import { Cause, Effect, Exit, Option } from 'effect'
import { withCliConsole } from './console.js'
import { CommandFailed, EXIT, UsageError } from './errors.js'
import { reportFailure, writeError } from './report.js'

/**
 * The process around a command: runs it, prints what went wrong on stderr, and sets the exit code.
 * 0 done · 1 the queue refused (a tagged library error: message only, no stack) or failed ·
 * 2 usage (unknown option, missing argument, bad option value) · 130 interrupted (SIGINT/SIGTERM;
 * the command's queue is still closed, so its writes are flushed). stdout carries only the
 * command's output. `LIVEQUEUE_DEBUG=1` adds stacks to unexpected errors.
 */

type Cli = (argv: ReadonlyArray<string>) => Effect.Effect<void, unknown, NodeContext.NodeContext>

const write = writeError

/** "run `livequeue enqueue --help`" for the command named on the command line. */
const usageHint = (argv: ReadonlyArray<string>, commands: ReadonlyArray<string>): string => {
  const named = argv.slice(2).find((arg) => commands.includes(arg))
  return `run \`livequeue ${named === undefined ? '' : `${named} `}--help\` for usage`
}

/** Prints the failure (unless @effect/cli already did) and picks the exit code. */
const exitCode = (exit: Exit.Exit<void, unknown>, argv: ReadonlyArray<string>, commands: ReadonlyArray<string>): number => {
  if (Exit.isSuccess(exit)) return EXIT.ok
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) {
    const error = failure.value
    if (ValidationError.isValidationError(error)) {
      // @effect/cli printed what is wrong (on stderr) before failing.
      write(usageHint(argv, commands))
      return EXIT.usage
    }
    if (error instanceof UsageError) {
      write(`error: ${error.reason}\n${usageHint(argv, commands)}`)
      return EXIT.usage
    }
    if (error instanceof CommandFailed) {
      reportFailure(error.error, error.json)
      return EXIT.failed
    }
    reportFailure(error, false)
    return EXIT.failed
  }
  if (Cause.isInterruptedOnly(exit.cause)) return EXIT.interrupted
  const defect = Cause.squash(exit.cause)
  write(`error: internal error: ${defect instanceof Error ? defect.message : String(defect)}`)
  if (defect instanceof Error && defect.stack) write(defect.stack)
  return EXIT.failed
}

let stdoutClosed = false

/**
 * `livequeue watch | head -1`: once the reader closes the pipe, a write fails with EPIPE, which
 * Node would throw as an unhandled 'error' event (exit 1 and a stack). Instead the command stops
 * as on SIGTERM (follow commands end, the queue is closed, its writes flushed) and the process
 * exits 0, quietly; if that cleanup hangs, it exits 0 anyway after a few seconds.
 */
const exitQuietlyWhenStdoutCloses = (): void => {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    if (stdoutClosed) return
    stdoutClosed = true
    setTimeout(() => process.exit(EXIT.ok), 5_000).unref()
    process.emit('SIGTERM', 'SIGTERM')
  })
}

/** Runs the CLI on `argv` (`process.argv` shape) and exits with its code. */
export const runCli = (cli: Cli, argv: ReadonlyArray<string>, commands: ReadonlyArray<string>): void => {
  exitQuietlyWhenStdoutCloses()
  const program = cli(argv).pipe(
    withCliConsole,
    Effect.provide(NodeContext.layer),
    Effect.exit,
    Effect.map((exit) => exitCode(exit, argv, commands)),
  )
  NodeRuntime.runMain(program, {
    disableErrorReporting: true,
    disablePrettyLogger: true,
    teardown: (exit, onExit) => {
      // Exit 0 leaves the process to end by itself once stdout drains; other codes exit at once.
      onExit(stdoutClosed ? EXIT.ok : Exit.isSuccess(exit) ? (exit.value as number) : EXIT.interrupted)
    },
  })
}
