package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vanthu/vanthu/api/httpx"
	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/signer/docpdf"
)

// The reports page (dashboard → Báo cáo): one report at a time, on screen (capped), as a
// PDF or as an XLSX spreadsheet. The engine hands rows over one by one; the spreadsheet
// is written through excelize's stream writer, so a large report is not built in memory.

// reportScreenRows caps a report on screen; the files carry every row.
const reportScreenRows = 200

// reportPDFRows caps a report as PDF: the PDF is laid out in memory, a spreadsheet is not.
const reportPDFRows = 20000

var errReportCapped = errors.New("report capped")

// readsReports says whether a role gets the reports in its menu: the engine lets the
// roles that read the whole registers, and the administrator, read them.
func readsReports(r engine.Role) bool {
	return slices.Contains([]engine.Role{engine.RoleLeader, engine.RoleDeputyLeader, engine.RoleClerk, engine.RoleArchivist,
		engine.RoleAdmin}, r)
}

// reportForm is what the page asks: which report, its grouping and period.
type reportForm struct {
	Report   string // documents, ontime, overdue, records
	Group    string // documents: type, sender, recipient
	By       string // ontime: unit, person
	From, To string // days, 2006-01-02, inclusive
	Year     int    // records
}

// ratio is a share from 0 to 1, printed as a percentage.
type ratio float64

// reportColumn is a column's message key and its relative width in the PDF.
type reportColumn struct {
	Key   string
	Width float64
}

// reportSink takes a report's columns once, then its rows: cells are string, int, ratio,
// *time.Time (a date) or nil (empty).
type reportSink interface {
	columns(cols []reportColumn) error
	row(cells []any) error
}

func readReportForm(r *http.Request, now time.Time) reportForm {
	q := r.URL.Query()
	f := reportForm{Report: q.Get("report"), Group: q.Get("group"), By: q.Get("by"), From: q.Get("from"), To: q.Get("to")}
	if f.Report == "" {
		f.Report = "documents"
	}
	if f.Group == "" {
		f.Group = string(engine.GroupByType)
	}
	if f.By == "" {
		f.By = "unit"
	}
	if f.From == "" && f.To == "" {
		first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, vietnam)
		f.From, f.To = first.Format("2006-01-02"), first.AddDate(0, 1, -1).Format("2006-01-02")
	}
	f.Year, _ = strconv.Atoi(q.Get("year"))
	if f.Year == 0 {
		f.Year = now.Year()
	}
	return f
}

// query is the form as a query string, for the download links.
func (f reportForm) query(format string) string {
	v := url.Values{"report": {f.Report}, "group": {f.Group}, "by": {f.By}, "from": {f.From}, "to": {f.To},
		"year": {strconv.Itoa(f.Year)}}
	if format != "" {
		v.Set("format", format)
	}
	return v.Encode()
}

// period reads the form's days as the engine's [from, to).
func (u *UI) period(f reportForm) (time.Time, time.Time, error) {
	var from, to time.Time
	var err error
	if f.From != "" {
		if from, err = time.ParseInLocation("2006-01-02", f.From, vietnam); err != nil {
			return from, to, &engine.ValidationError{Field: "from", Message: "not a date"}
		}
	}
	if f.To != "" {
		if to, err = time.ParseInLocation("2006-01-02", f.To, vietnam); err != nil {
			return from, to, &engine.ValidationError{Field: "to", Message: "not a date"}
		}
	}
	return u.deps.Engine.Period(from, to)
}

// reportTitle is a report's title in lang, and its subtitle (the period or the year).
func reportTitle(lang string, f reportForm) (string, string) {
	key := "report.t." + f.Report
	switch f.Report {
	case "documents":
		key += "." + f.Group
	case "ontime":
		key += "." + f.By
	}
	switch f.Report {
	case "records":
		return translate(lang, key), translate(lang, "report.year") + " " + strconv.Itoa(f.Year)
	case "overdue":
		return translate(lang, key), ""
	}
	day := func(s string) string {
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			return s
		}
		return t.Format("02/01/2006")
	}
	return translate(lang, key), fmt.Sprintf(translate(lang, "report.span"), day(f.From), day(f.To))
}

// runReport runs the form's report into out, with labels in lang.
func (u *UI) runReport(ctx context.Context, s *session, f reportForm, lang string, out reportSink) error {
	tr := func(k string) string { return translate(lang, k) }
	switch f.Report {
	case "documents":
		from, to, err := u.period(f)
		if err != nil {
			return err
		}
		key := map[string]string{"type": "report.c.type", "sender": "report.c.sender", "recipient": "report.c.recipient"}[f.Group]
		if err := out.columns([]reportColumn{{"report.c.flow", 1}, {key, 4}, {"report.c.count", 1}}); err != nil {
			return err
		}
		return u.deps.Engine.ReportDocuments(ctx, s.Actor, from, to, engine.DocumentGroup(f.Group), func(c engine.DocumentCount) error {
			name := c.Key
			if f.Group == "type" {
				name = s.TypeName(c.Key)
			}
			return out.row([]any{tr("report.flow." + string(c.Flow)), name, c.Count})
		})
	case "ontime":
		from, to, err := u.period(f)
		if err != nil {
			return err
		}
		holder := "report.c.unit"
		if f.By == "person" {
			holder = "report.c.person"
		}
		if err := out.columns([]reportColumn{{holder, 3}, {"report.c.done", 1}, {"report.c.late", 1}, {"report.c.intime", 1},
			{"report.c.overdue", 1}, {"report.c.rate", 1}}); err != nil {
			return err
		}
		return u.deps.Engine.ReportOnTime(ctx, s.Actor, from, to, f.By == "person", func(l engine.OnTimeLine) error {
			var rate any
			if l.Done+l.DoneLate > 0 {
				rate = ratio(l.Rate())
			}
			return out.row([]any{l.Name, l.Done, l.DoneLate, l.InTime(), l.Overdue, rate})
		})
	case "overdue":
		if err := out.columns([]reportColumn{{"report.c.innumber", 0.8}, {"report.c.notation", 1.6}, {"report.c.subject", 4},
			{"report.c.holder", 2}, {"report.c.deadline", 1.2}, {"report.c.dayslate", 1}}); err != nil {
			return err
		}
		return u.deps.Engine.ReportOverdue(ctx, s.Actor, func(l engine.OverdueLine) error {
			var number any
			if l.IncomingNumber > 0 {
				number = l.IncomingNumber
			}
			return out.row([]any{number, l.Notation, l.Subject, l.Holder(), l.Deadline, l.DaysLate})
		})
	case "records":
		if err := out.columns([]reportColumn{{"report.c.code", 1.2}, {"report.c.title", 4}, {"report.c.retention", 1.2},
			{"report.c.owner", 2}, {"report.c.state", 1.2}, {"report.c.docs", 1}}); err != nil {
			return err
		}
		return u.deps.Engine.ReportRecords(ctx, s.Actor, f.Year, func(l engine.RecordLine) error {
			keep := tr("records.permanent")
			if !l.Retention.Permanent {
				keep = strconv.Itoa(l.Retention.Years) + " " + tr("records.years")
			}
			return out.row([]any{l.Code, l.Title, keep, l.OwnerName, tr("record." + string(l.State)), l.Documents})
		})
	}
	return &engine.ValidationError{Field: "report", Message: "no such report"}
}

type reportView struct {
	Form       reportForm
	Title, Sub string
	Columns    []string
	Rows       [][]string
	More       bool
	PDF, XLSX  string // download links
	Years      []int
}

// reports shows the reports page, or downloads a report as PDF or XLSX (?format=).
func (u *UI) reports(w http.ResponseWriter, r *http.Request, s *session) {
	f := readReportForm(r, time.Now().In(vietnam))
	switch r.URL.Query().Get("format") {
	case "xlsx":
		u.reportXLSX(w, r, s, f)
		return
	case "pdf":
		u.reportPDF(w, r, s, f)
		return
	}
	v := reportView{Form: f, PDF: "/reports?" + f.query("pdf"), XLSX: "/reports?" + f.query("xlsx")}
	v.Title, v.Sub = reportTitle(s.Lang, f)
	this := time.Now().In(vietnam).Year()
	v.Years = []int{this + 1, this, this - 1, this - 2, this - 3}
	screen := &screenSink{s: s, v: &v}
	if err := u.runReport(r.Context(), s, f, s.Lang, screen); err != nil && !errors.Is(err, errReportCapped) {
		u.fail(w, r, s, err)
		return
	}
	u.render(w, r, s, "reports", "report.title", v)
}

func (u *UI) reportPDF(w http.ResponseWriter, r *http.Request, s *session, f reportForm) {
	agency, _ := s.agency(s.Actor.AgencyID)
	title, sub := reportTitle("vi", f)
	p := &pdfSink{reg: docpdf.Register{Agency: strings.ToUpper(agency.Name), Title: strings.ToUpper(title), Subtitle: sub}}
	if err := u.runReport(r.Context(), s, f, "vi", p); err != nil && !errors.Is(err, errReportCapped) {
		u.fail(w, r, s, err)
		return
	}
	if len(p.reg.Rows) == 0 {
		p.reg.Rows = [][]string{{translate("vi", "report.none")}}
	}
	pdf, err := docpdf.RenderRegister(p.reg)
	if err != nil {
		u.fail(w, r, s, fmt.Errorf("report pdf: %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", httpx.ContentDisposition("attachment", reportFileName(f, "pdf")))
	_, _ = w.Write(pdf)
}

func (u *UI) reportXLSX(w http.ResponseWriter, r *http.Request, s *session, f reportForm) {
	agency, _ := s.agency(s.Actor.AgencyID)
	x, err := newXLSXSink(agency.Name, f)
	if err != nil {
		u.fail(w, r, s, err)
		return
	}
	defer func() { _ = x.f.Close() }()
	if err := u.runReport(r.Context(), s, f, "vi", x); err != nil {
		u.fail(w, r, s, err)
		return
	}
	if err := x.sw.Flush(); err != nil {
		u.fail(w, r, s, fmt.Errorf("report xlsx: %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", httpx.ContentDisposition("attachment", reportFileName(f, "xlsx")))
	if err := x.f.Write(w); err != nil {
		u.deps.Logger.WarnContext(r.Context(), "web: report download cut short", "report", f.Report, "error", err)
	}
}

func reportFileName(f reportForm, ext string) string {
	name := "bao-cao-" + f.Report
	switch f.Report {
	case "records":
		name += "-" + strconv.Itoa(f.Year)
	case "documents", "ontime":
		name += "-" + f.From + "-" + f.To
	}
	return name + "." + ext
}

// cellText prints a cell for the screen and the PDF.
func cellText(c any) string {
	switch v := c.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case ratio:
		return fmt.Sprintf("%.0f%%", float64(v)*100)
	case *time.Time:
		return formatTime(v, "02/01/2006")
	}
	return fmt.Sprint(c)
}

// screenSink keeps the first rows for the page.
type screenSink struct {
	s *session
	v *reportView
}

func (k *screenSink) columns(cols []reportColumn) error {
	for _, c := range cols {
		k.v.Columns = append(k.v.Columns, k.s.T(c.Key))
	}
	return nil
}

func (k *screenSink) row(cells []any) error {
	if len(k.v.Rows) == reportScreenRows {
		k.v.More = true
		return errReportCapped
	}
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = cellText(c)
	}
	k.v.Rows = append(k.v.Rows, out)
	return nil
}

// pdfSink lays the rows out as a register-like table.
type pdfSink struct{ reg docpdf.Register }

func (p *pdfSink) columns(cols []reportColumn) error {
	for _, c := range cols {
		p.reg.Columns = append(p.reg.Columns, docpdf.Column{Title: translate("vi", c.Key), Width: c.Width})
	}
	return nil
}

func (p *pdfSink) row(cells []any) error {
	if len(p.reg.Rows) == reportPDFRows {
		return errReportCapped
	}
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = cellText(c)
	}
	p.reg.Rows = append(p.reg.Rows, out)
	return nil
}

// xlsxSink streams the rows into one sheet: a title row, the period, the headers, then
// the rows, dates as dates and counts as numbers.
type xlsxSink struct {
	f                 *excelize.File
	sw                *excelize.StreamWriter
	next              int
	bold, date, share int
	title, sub        string
}

const reportSheet = "Báo cáo"

func newXLSXSink(agency string, f reportForm) (*xlsxSink, error) {
	x := &xlsxSink{f: excelize.NewFile()}
	fail := func(err error) (*xlsxSink, error) {
		_ = x.f.Close()
		return nil, fmt.Errorf("report xlsx: %w", err)
	}
	if err := x.f.SetSheetName("Sheet1", reportSheet); err != nil {
		return fail(err)
	}
	var err error
	if x.bold, err = x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return fail(err)
	}
	dateFormat := "dd/mm/yyyy"
	if x.date, err = x.f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat}); err != nil {
		return fail(err)
	}
	if x.share, err = x.f.NewStyle(&excelize.Style{NumFmt: 9}); err != nil { // 0%
		return fail(err)
	}
	if x.sw, err = x.f.NewStreamWriter(reportSheet); err != nil {
		return fail(err)
	}
	x.title, x.sub = reportTitle("vi", f)
	x.title = strings.ToUpper(agency) + " — " + x.title
	return x, nil
}

func (x *xlsxSink) columns(cols []reportColumn) error {
	if err := x.sw.SetColWidth(1, len(cols), 18); err != nil {
		return fmt.Errorf("report xlsx: %w", err)
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: x.bold, Value: translate("vi", c.Key)}
	}
	for _, r := range [][]any{{excelize.Cell{StyleID: x.bold, Value: x.title}}, {x.sub}, nil, head} {
		if err := x.put(r); err != nil {
			return err
		}
	}
	return nil
}

func (x *xlsxSink) row(cells []any) error {
	out := make([]any, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case *time.Time:
			if v != nil {
				// A date cell holds the civil day; the spreadsheet has no time zone.
				d := v.In(vietnam)
				out[i] = excelize.Cell{StyleID: x.date, Value: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)}
			}
		case ratio:
			out[i] = excelize.Cell{StyleID: x.share, Value: float64(v)}
		default:
			out[i] = v
		}
	}
	return x.put(out)
}

func (x *xlsxSink) put(row []any) error {
	x.next++
	cell, err := excelize.CoordinatesToCellName(1, x.next)
	if err != nil {
		return fmt.Errorf("report xlsx: %w", err)
	}
	if err := x.sw.SetRow(cell, row); err != nil {
		return fmt.Errorf("report xlsx: %w", err)
	}
	return nil
}
