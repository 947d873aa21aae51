package bottest

import "atazan/internal/manualtimer"

// Timers stand in for time.AfterFunc in battle tests (bot.BattleOptions):
// a round ends when the test calls Fire, never by the wall clock.
type Timers = manualtimer.Timers
