package pki

import "time"

// NewOCSPClientWithClock is an OCSPClient on a clock the external tests move.
func NewOCSPClientWithClock(now func() time.Time) *OCSPClient { return &OCSPClient{now: now} }
