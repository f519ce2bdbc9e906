// Package calendar counts working days (ngày làm việc) for the deadlines (hạn xử lý) of
// documents, following the rules a Vietnamese state agency works by.
//
// A Calendar is built from data, never from formulas with years in them: the weekly days off
// (Saturday and Sunday for state agencies), the public holidays of Labour Code 2019 Art. 112
// with their compensation days (nghỉ bù), extra days off a province grants, and swapped
// working days (a Saturday worked in exchange for a bridge day off, hoán đổi ngày làm việc).
// Lunar dates and the exact days off are announced every year, so administrators edit the
// data per year; DefaultConfig only seeds it for 2024–2027.
//
// All dates are civil dates in Vietnam (UTC+07:00, no daylight saving). The package uses a
// fixed zone rather than tzdata so results never depend on the host's time zone database.
//
// Counting rules, chosen to match Civil Code 2015 Art. 147–148 (the first day of a term is
// not counted; a term ends at 24:00 of its last day):
//
//   - A deadline of n working days for a document received on day D is the end of the n-th
//     working day strictly after D, whether D itself is a working day or not. A document
//     received on Friday with a 1-day deadline is due on Monday; so is one received on Saturday.
//   - The end of a day is Config.DueTime: 24:00 by default (the last instant of the day), or
//     an office closing time such as 17:00.
//   - n = 0 means "the same day": D if it is a working day, otherwise the next working day.
//   - n < 0 counts backwards: the |n|-th working day strictly before D (for reminders).
//   - WorkingDaysBetween(a, b) is the number of working days that end after a's day and by
//     b's day, negative when b is before a. It undoes AddWorkingDays for every n > 0, and for
//     n <= 0 when the start is a working day.
package calendar
