/**
 * What counting the lean answers' turns costs a call (src/aws/answer-turns.ts), the transport's
 * share alone: a loop of calls told to an AnswerTurns (its `sent` and `answered`, a turn of
 * `--per-turn` answers ended by a `setImmediate`, as at 100 ms a call and 64 slots), against the same
 * loop with none (the default since the wait is off). CPU a call, in ns, over several rounds (the
 * first warms up). `npx tsx bench/answer-turns-cost.ts [TREE] [--calls 400000] [--per-turn 4]`:
 * TREE's AnswerTurns measured too, with its wait off (e.g. a checkout of main, whose transport always had one).
 */
import { resolve } from "node:path";
import { AnswerTurns } from "../src/aws/answer-turns.js";
import { numberFlag } from "./flags.js";

type Turns = { sent(): number; answered(sentAt: number): void };
type TurnsClass = new (slots: number, waitMs: number) => Turns;

const tree = process.argv[2] === undefined || process.argv[2].startsWith("-") ? undefined : resolve(process.argv[2]);
const other = tree === undefined ? undefined : ((await import(`${tree}/src/aws/answer-turns.ts`)) as { AnswerTurns: TurnsClass }).AnswerTurns;
const calls = numberFlag("calls", 400_000);
const perTurn = numberFlag("per-turn", 4);

const immediate = (): Promise<void> => new Promise((done) => setImmediate(done));

/** CPU a call (ns) of `calls` calls in turns of `perTurn`, each told to `turns` if given. */
async function nsPerCall(turns: Turns | undefined): Promise<number> {
  const sentAt: number[] = Array.from({ length: perTurn }, () => 0);
  const start = process.cpuUsage();
  for (let call = 0; call < calls; call += perTurn) {
    for (let k = 0; k < perTurn; k++) sentAt[k] = turns === undefined ? 0 : turns.sent();
    for (let k = 0; k < perTurn; k++) turns?.answered(sentAt[k]!);
    // The loop's turn, in both arms: the AnswerTurns' own immediate runs in it.
    await immediate();
  }
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / calls;
}

for (let round = 0; round < 6; round++) {
  const none = await nsPerCall(undefined);
  const here = await nsPerCall(new AnswerTurns(64, 0));
  const there = other === undefined ? undefined : await nsPerCall(new other(64, 0));
  const more = (ns: number): string => `${ns.toFixed(0)} (+${(ns - none).toFixed(0)})`;
  console.log(
    `round ${round}${round === 0 ? " (warm-up)" : ""}: none ${none.toFixed(0)} ns a call, this tree's AnswerTurns counting ${more(here)}` +
      (there === undefined ? "" : `, ${tree}'s ${more(there)}`),
  );
}
