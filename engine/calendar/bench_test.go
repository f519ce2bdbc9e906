package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkAddWorkingDays measures one deadline of an inbox row: random receipt times over
// the four years of data and typical deadlines of 1–60 working days.
func BenchmarkAddWorkingDays(b *testing.B) {
	cal := Default()
	r := rand.New(rand.NewPCG(1, 2))
	first := at(b, "2024-01-01 08:00")
	starts := make([]time.Time, 1024)
	ns := make([]int, len(starts))
	for i := range starts {
		starts[i] = first.Add(time.Duration(r.Int64N(int64(4 * 365 * 24 * time.Hour))))
		ns[i] = 1 + r.IntN(60)
	}
	for i := 0; b.Loop(); i++ {
		cal.AddWorkingDays(starts[i%len(starts)], ns[i%len(ns)])
	}
}

// BenchmarkAddWorkingDaysFarAhead shows the cost does not grow with the distance.
func BenchmarkAddWorkingDaysFarAhead(b *testing.B) {
	cal := Default()
	start := at(b, "2024-01-02 08:00")
	for b.Loop() {
		cal.AddWorkingDays(start, 1000)
	}
}

// BenchmarkStatus is the per-row cost of colouring an inbox listing.
func BenchmarkStatus(b *testing.B) {
	cal := Default()
	now := at(b, "2026-02-13 09:00")
	due := at(b, "2026-03-02 23:59")
	for b.Loop() {
		cal.Status(now, due, 2)
	}
}
