// The hard cap. A call reserves its priced cost before it starts; the reservation becomes spend
// once the call's attempt is journaled, or is released. Reserve is atomic against concurrent
// calls, so spend + reservations never pass the cap.
import { ZERO, type Decimal } from "./credits";

export interface Reservation {
  runId: string;
  amount: Decimal;
}

export interface BudgetState {
  spent: Decimal;
  reserved: Decimal;
  cap?: Decimal;
}

export interface BudgetStore {
  /** start (or resume) a run's account with what it has already spent */
  open(runId: string, spent: Decimal, cap: Decimal | undefined): Promise<void>;
  /** undefined: spent + reserved + amount would pass the cap */
  reserve(runId: string, amount: Decimal): Promise<Reservation | undefined>;
  /** the reservation's amount becomes spend; returns the new spend */
  commit(reservation: Reservation): Promise<Decimal>;
  release(reservation: Reservation): Promise<void>;
  state(runId: string): Promise<BudgetState>;
  close(runId: string): Promise<void>;
}

/**
 * One process holds a run, so a map is atomic here (JavaScript runs one reserve at a time); a
 * shared store (Redis) would do the same check-and-add in one script.
 */
export class MemoryBudgetStore implements BudgetStore {
  private readonly accounts = new Map<string, BudgetState>();

  async open(runId: string, spent: Decimal, cap: Decimal | undefined): Promise<void> {
    this.accounts.set(runId, { spent, reserved: ZERO, cap });
  }

  async reserve(runId: string, amount: Decimal): Promise<Reservation | undefined> {
    const account = this.account(runId);
    const after = account.spent.plus(account.reserved).plus(amount);
    if (account.cap !== undefined && after.greaterThan(account.cap)) return undefined;
    account.reserved = account.reserved.plus(amount);
    return { runId, amount };
  }

  async commit(reservation: Reservation): Promise<Decimal> {
    const account = this.account(reservation.runId);
    account.reserved = account.reserved.minus(reservation.amount);
    account.spent = account.spent.plus(reservation.amount);
    return account.spent;
  }

  async release(reservation: Reservation): Promise<void> {
    const account = this.account(reservation.runId);
    account.reserved = account.reserved.minus(reservation.amount);
  }

  async state(runId: string): Promise<BudgetState> {
    return { ...this.account(runId) };
  }

  async close(runId: string): Promise<void> {
    this.accounts.delete(runId);
  }

  private account(runId: string): BudgetState {
    const account = this.accounts.get(runId);
    if (!account) throw new Error(`budget account for run ${runId} is not open`);
    return account;
  }
}

/** Priced cost of one attempt: overhead plus every output's price. */
export function attemptPrice(overheadPerCall: Decimal, pricePerOutput: Decimal, items: number, variants: number): Decimal {
  return overheadPerCall.plus(pricePerOutput.times(items * variants));
}
