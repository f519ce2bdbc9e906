package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vanthu/vanthu/api/web"
	"github.com/vanthu/vanthu/engine"
)

// demoStep is one thing a person of the demo province did, for the who-did-what the
// demo prints.
type demoStep struct {
	At     time.Time   `json:"at"`
	Agency string      `json:"agency"`
	Person string      `json:"person"`
	Role   engine.Role `json:"role"`
	Action string      `json:"action"`
}

// demoOverdue is a piece of work past its deadline at the end of the demo.
type demoOverdue struct {
	Agency   string    `json:"agency"`
	Unit     string    `json:"unit"`
	Document string    `json:"document"`
	Deadline time.Time `json:"deadline"`
}

// did records that the member of s in role did action, at the demo's clock.
func (d *demoDay) did(s staff, role engine.Role, action string) {
	d.sum.Steps = append(d.sum.Steps, demoStep{At: d.clock, Agency: s.agency.Name, Person: s.names[role], Role: role, Action: action})
}

// overdueWork lists an agency's overdue assignments with their documents and units.
func (d *demoDay) overdueWork(ctx context.Context, a engine.Agency, overdue []engine.Assignment) error {
	for _, as := range overdue {
		doc, err := d.store.DocumentGetByID(ctx, as.DocumentID)
		if err != nil {
			return fmt.Errorf("overdue work: %w", err)
		}
		unit := ""
		if u, err := d.store.UnitGetByID(ctx, as.UnitID); err == nil {
			unit = u.Name
		}
		o := demoOverdue{Agency: a.Name, Unit: unit, Document: documentLabel(doc)}
		if as.Deadline != nil {
			o.Deadline = *as.Deadline
		}
		d.sum.OverdueWork = append(d.sum.OverdueWork, o)
	}
	return nil
}

// documentLabel names a document as a clerk would: its number and notation (the sender's
// for an incoming one) and its subject.
func documentLabel(doc engine.Document) string {
	notation := doc.Notation
	if doc.Flow == engine.Incoming {
		notation = doc.SenderNotation
	}
	if notation == "" {
		return "“" + doc.Subject + "”"
	}
	return notation + " “" + doc.Subject + "”"
}

// printDemo writes the demo's fortnight in Vietnamese: who did what and when, where the
// directive stands with each district, what is overdue, the totals and the audit chains.
func printDemo(w io.Writer, s demoSummary) {
	const lang = langVI
	fmt.Fprintln(w, "Hai tuần làm việc mẫu của tỉnh Hòa Bình")
	fmt.Fprintln(w, "\nAi đã làm gì")
	// The script runs agency by agency; people read the fortnight day by day.
	steps := slices.Clone(s.Steps)
	slices.SortStableFunc(steps, func(a, b demoStep) int { return a.At.Compare(b.At) })
	day := ""
	for _, st := range steps {
		t := st.At.In(vietnamTime)
		if d := t.Format("02/01/2006"); d != day {
			day = d
			fmt.Fprintf(w, "\n  %s, ngày %s\n", weekdayVI(t.Weekday()), d)
		}
		fmt.Fprintf(w, "    %s  %s — %s %s: %s\n", t.Format("15:04"), shortAgency(st.Agency),
			web.Label(lang, "role."+string(st.Role)), st.Person, st.Action)
	}
	fmt.Fprintf(w, "\nChỉ thị %s gửi %d huyện, thành phố\n", s.Directive.Notation, len(s.Directive.Recipients))
	names := slices.Sorted(func(yield func(string) bool) {
		for name := range s.Directive.Recipients {
			if !yield(name) {
				return
			}
		}
	})
	for _, name := range names {
		fmt.Fprintf(w, "    %-40s %s\n", name, web.Label(lang, "delivery."+s.Directive.Recipients[name]))
	}
	fmt.Fprintf(w, "\nViệc quá hạn: %d\n", s.Overdue)
	for _, o := range s.OverdueWork {
		fmt.Fprintf(w, "    %s — %s: %s, hạn %s\n", shortAgency(o.Agency), o.Unit, o.Document, o.Deadline.In(vietnamTime).Format("02/01/2006"))
	}
	fmt.Fprintf(w, "\nTổng cộng: văn bản phát hành %d, chữ ký số %d, lượt gửi %d, vào sổ đến %d, hoàn thành %d, quá hạn %d\n",
		s.DocumentsIssued, s.Signatures, s.Deliveries, s.Registered, s.Completed, s.Overdue)
	fmt.Fprintf(w, "Hồ sơ: đã đóng %d, đã nộp lưu và đóng gói lưu trữ %d\n", s.RecordsClosed, s.RecordsArchived)
	chain := "toàn vẹn"
	if !s.AuditChainOK {
		chain = "BỊ PHÁ VỠ"
	}
	fmt.Fprintf(w, "Nhật ký kiểm toán: %d sự kiện, chuỗi băm của các cơ quan %s\n", s.AuditEvents, chain)
}

func shortAgency(name string) string { return strings.Replace(name, "Ủy ban nhân dân", "UBND", 1) }

func weekdayVI(d time.Weekday) string {
	return [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}[d]
}
