package docpdf

import (
	"fmt"
	"time"
)

// vietnam is Indochina Time as a fixed zone: Vietnam has no daylight saving, and a fixed zone
// needs no tzdata on the server.
var vietnam = time.FixedZone("ICT", 7*60*60)

// NumberLine is ô 3: "Số: 15/CT-UBND", or "Số:      /CT-UBND" when number is 0 (a draft, the
// clerk fills the number in at issue time). Numbers below 10 get a leading zero (PL I, II.3).
func NumberLine(number int, notation string) string {
	if number <= 0 {
		return "Số:      /" + clean(notation)
	}
	return fmt.Sprintf("Số: %02d/%s", number, clean(notation))
}

// DateLine is ô 4: "Hòa Bình, ngày 05 tháng 3 năm 2025". Days below 10 and the months January
// and February get a leading zero, so a handwritten digit cannot be added later (PL I, II.4).
// The zero time leaves day, month and year blank for a draft.
func DateLine(place string, date time.Time) string {
	if date.IsZero() {
		return clean(place) + ", ngày      tháng      năm      "
	}
	d := date.In(vietnam)
	month := fmt.Sprint(int(d.Month()))
	if d.Month() <= time.February {
		month = fmt.Sprintf("%02d", int(d.Month()))
	}
	return fmt.Sprintf("%s, ngày %02d tháng %s năm %d", clean(place), d.Day(), month, d.Year())
}
