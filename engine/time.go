package engine

import "time"

// vietnam is the civil time of every agency (UTC+7, no daylight saving). Registers reset
// on 1 January in this zone, not in UTC.
var vietnam = time.FixedZone("ICT", 7*60*60)
