/**
 * A clock for running the client against a time-scaled simulator: the client sees unscaled time
 * (its schedule, rate limiter and back-off work in real-service milliseconds) while every sleep
 * lasts `scale` times as long in real time.
 */
import { systemClock, type Clock } from '../../src/dashscope/transport';

/** `scale` < 1 runs faster than real time (0.25: 4 s of client time per real second). */
export function scaledClock(scale: number): Clock {
  const origin = Date.now();
  return {
    now: () => origin + (Date.now() - origin) / scale,
    sleep: (ms, signal) => systemClock.sleep(ms * scale, signal),
  };
}
