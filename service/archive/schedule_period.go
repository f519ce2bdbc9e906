package archive

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"time"
)

var periodPattern = regexp.MustCompile(`^([0-9]{1,4})(y|mo|m|w|d|h|min)$`)

// ParsePeriod reads the periods archivists and operators write: "6m" (six months),
// "1y", "2w", "7d", "12h", "30min", or any Go duration ("1h30m"). A month is 30 days and
// a year 365: the periods are windows and intervals, not calendar dates. A lone "m" is
// months, as in --within 6m; minutes are "min".
func ParsePeriod(s string) (time.Duration, error) {
	if m := periodPattern.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		day := 24 * time.Hour
		unit := map[string]time.Duration{"y": 365 * day, "mo": 30 * day, "m": 30 * day, "w": 7 * day, "d": day,
			"h": time.Hour, "min": time.Minute}[m[2]]
		if n == 0 {
			return 0, fmt.Errorf("period %q is zero", s)
		}
		if time.Duration(n) > math.MaxInt64/unit {
			return 0, fmt.Errorf("period %q is too long", s)
		}
		return time.Duration(n) * unit, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("period %q: write e.g. 6m (months), 1y, 2w, 7d, 12h or 30min", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("period %q must be positive", s)
	}
	return d, nil
}
