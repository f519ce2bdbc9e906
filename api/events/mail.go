package events

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/engine"
)

// SMTP is the mail server notifications go through.
type SMTP struct {
	Host     string
	Port     string
	Username string
	Password string // never logged
	// ImplicitTLS is smtps:// (TLS from the first byte); smtp:// upgrades with STARTTLS
	// whenever the server offers it.
	ImplicitTLS bool
	From        *mail.Address
	// TLSConfig overrides the TLS settings (tests trust their own CA with it).
	TLSConfig *tls.Config
}

// ParseSMTP reads smtp://user:pass@host:port or smtps://…; the port defaults to 25
// (587 is usual with STARTTLS, 465 with smtps).
func ParseSMTP(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a URL; want smtp://user:password@host:port") // the parse error would echo the password
	}
	s := &SMTP{Host: u.Hostname(), Port: u.Port()}
	switch u.Scheme {
	case "smtp":
	case "smtps":
		s.ImplicitTLS = true
	default:
		return nil, fmt.Errorf("scheme %q is not smtp or smtps", u.Scheme)
	}
	if s.Host == "" {
		return nil, errors.New("the URL names no host")
	}
	if s.Port == "" {
		s.Port = "25"
		if s.ImplicitTLS {
			s.Port = "465"
		}
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return nil, errors.New("the URL takes no path or query")
	}
	return s, nil
}

// ParseFrom reads the sender address, e.g. "Văn thư điện tử <vanthu@hoabinh.gov.vn>".
func ParseFrom(raw string) (*mail.Address, error) {
	a, err := mail.ParseAddress(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not an e-mail address: %w", raw, err)
	}
	return a, nil
}

// String leaves the password out.
func (s *SMTP) String() string {
	return "SMTP(" + s.Username + "@" + net.JoinHostPort(s.Host, s.Port) + ")"
}

// Send delivers one message to one recipient.
func (s *SMTP) Send(ctx context.Context, to string, msg []byte) error {
	addr := net.JoinHostPort(s.Host, s.Port)
	tlsConf := s.TLSConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	}
	var conn net.Conn
	var err error
	d := &net.Dialer{Timeout: 30 * time.Second}
	if s.ImplicitTLS {
		conn, err = (&tls.Dialer{NetDialer: d, Config: tlsConf}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("connect %s: %w", addr, err)
	}
	defer conn.Close()
	deadline := time.Now().Add(time.Minute)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()

	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		return fmt.Errorf("smtp greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello("vanthu"); err != nil {
		return fmt.Errorf("smtp hello: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !s.ImplicitTLS {
		if err := c.StartTLS(tlsConf); err != nil {
			return fmt.Errorf("smtp starttls: %w", err)
		}
	}
	if s.Username != "" {
		// PlainAuth refuses to send the password unencrypted except to localhost.
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(s.From.Address); err != nil {
		return fmt.Errorf("smtp mail from: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("smtp rcpt: %w", err)
	}
	wc, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp data: %w", err)
	}
	if _, err := wc.Write(msg); err != nil {
		return fmt.Errorf("smtp data: %w", err)
	}
	if err := wc.Close(); err != nil {
		return fmt.Errorf("smtp data: %w", err)
	}
	return c.Quit()
}

// compose builds a multipart/alternative message, plain text and HTML, in UTF-8.
func compose(from *mail.Address, to, subject, text, html string, now time.Time, id string) ([]byte, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	head := textproto.MIMEHeader{}
	head.Set("From", from.String())
	head.Set("To", (&mail.Address{Address: to}).String())
	head.Set("Subject", mime.QEncoding.Encode("utf-8", oneLine(subject)))
	head.Set("Date", now.Format(time.RFC1123Z))
	head.Set("Message-ID", "<"+id+"@vanthu>")
	head.Set("MIME-Version", "1.0")
	head.Set("Content-Type", `multipart/alternative; boundary="`+mw.Boundary()+`"`)
	for _, k := range []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"} {
		fmt.Fprintf(&buf, "%s: %s\r\n", k, head.Get(k))
	}
	buf.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", text}, {"text/html", html}} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := qp.Write([]byte(strings.ReplaceAll(part.body, "\n", "\r\n"))); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

var mailHTML = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; font-size: 15px">
<p>Kính gửi {{.Name}},</p>
{{range .Lines}}<p>{{.}}</p>
{{end}}<p style="color: #666; font-size: 13px">Thư này do hệ thống quản lý văn bản và điều hành gửi tự động; vui lòng không trả lời thư này.</p>
</body></html>
`))

// letter is one e-mail's content before it is queued.
type letter struct {
	Subject string
	Name    string
	Lines   []string
}

func (l letter) bodies() (text, html string, err error) {
	var t strings.Builder
	fmt.Fprintf(&t, "Kính gửi %s,\n\n", l.Name)
	for _, line := range l.Lines {
		t.WriteString(line + "\n\n")
	}
	t.WriteString("Thư này do hệ thống quản lý văn bản và điều hành gửi tự động; vui lòng không trả lời thư này.\n")
	var h bytes.Buffer
	if err := mailHTML.Execute(&h, l); err != nil {
		return "", "", err
	}
	return t.String(), h.String(), nil
}

var noticeSubjects = map[string]string{
	engine.NoticeDueSoon:   "Sắp đến hạn xử lý",
	engine.NoticeOverdue:   "Quá hạn xử lý",
	engine.NoticeEscalated: "Văn bản quá hạn cần đôn đốc",
}

var roleWords = map[engine.AssignmentRole]string{
	engine.Lead: "chủ trì", engine.Cooperate: "phối hợp", engine.ForInformation: "để biết",
}

// newAssignments are the assignments an audit event created: a leader's direction
// creates one per unit or person named; a unit head's assignment within the unit one.
func newAssignments(ctx context.Context, q engine.Queries, e engine.Event) ([]engine.Assignment, error) {
	switch {
	case e.ObjectType == "document" && e.Action == string(engine.ActionDirect):
		all, err := q.AssignmentListByDocument(ctx, e.ObjectID)
		if err != nil {
			return nil, err
		}
		var out []engine.Assignment
		for _, a := range all {
			if a.ParentID == "" && a.CreatedAt.Equal(e.At) {
				out = append(out, a)
			}
		}
		return out, nil
	case e.ObjectType == "assignment" && e.Action == "assign":
		var after struct {
			SubAssignment string `json:"sub_assignment"`
		}
		if json.Unmarshal([]byte(e.After), &after) != nil || after.SubAssignment == "" {
			return nil, nil
		}
		a, err := q.AssignmentGetByID(ctx, after.SubAssignment)
		if err != nil {
			return nil, err
		}
		return []engine.Assignment{a}, nil
	}
	return nil, nil
}

// assignmentMail tells the person assigned, or the heads of the unit assigned, about it.
func (d *Deliveries) assignmentMail(ctx context.Context, q engine.Queries, a engine.Assignment) ([]river.InsertManyParams, error) {
	doc, err := q.DocumentGetByID(ctx, a.DocumentID)
	if err != nil {
		return nil, err
	}
	people := []string{}
	if a.UserID != "" {
		people = append(people, a.UserID)
	} else {
		ms, err := q.MembershipListByAgency(ctx, doc.AgencyID)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.UnitID == a.UnitID && m.Role == engine.RoleUnitHead && !slices.Contains(people, m.UserID) {
				people = append(people, m.UserID)
			}
		}
	}
	who := "Đồng chí"
	if a.UserID == "" {
		unit, err := q.UnitGetByID(ctx, a.UnitID)
		if err != nil {
			return nil, err
		}
		who = "Đơn vị " + unit.Name
	}
	lines := []string{fmt.Sprintf("%s được giao xử lý văn bản «%s» (%s).", who, doc.Subject, roleWords[a.Role])}
	if doc.Notation != "" || doc.SenderNotation != "" {
		lines = append(lines, "Số, ký hiệu: "+cmp.Or(doc.SenderNotation, doc.Notation))
	}
	if a.Deadline != nil {
		lines = append(lines, "Hạn xử lý: "+a.Deadline.In(vietnam).Format("02/01/2006"))
	}
	var out []river.InsertManyParams
	for _, p := range people {
		job, err := d.mailJob(ctx, q, "assignment:"+a.ID+":"+p, p, letter{Subject: "Văn bản mới giao xử lý: " + doc.Subject, Lines: lines})
		if err != nil {
			return nil, err
		}
		out = append(out, job...)
	}
	return out, nil
}

// notificationMail mails a notification (a reminder, an overdue task, an escalation) to
// its user.
func (d *Deliveries) notificationMail(ctx context.Context, q engine.Queries, n engine.Notification, doc engine.Document) ([]river.InsertManyParams, error) {
	subject := noticeSubjects[n.Kind]
	if subject == "" {
		subject = "Thông báo"
	}
	if doc.Subject != "" {
		subject += ": " + doc.Subject
	}
	return d.mailJob(ctx, q, "notification:"+n.ID, n.UserID, letter{Subject: subject, Lines: []string{n.Body}})
}

var vietnam = time.FixedZone("ICT", 7*3600)

// mailJob is the job of one e-mail to a user, none when the user has no usable address.
// Its key says what it is about: the same thing is never mailed twice.
func (d *Deliveries) mailJob(ctx context.Context, q engine.Queries, key, userID string, l letter) ([]river.InsertManyParams, error) {
	u, err := q.UserGetByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	addr, err := mail.ParseAddress(u.Email)
	if u.Disabled || u.Email == "" || err != nil {
		return nil, nil
	}
	l.Name, l.Subject = u.FullName, "[Văn thư] "+oneLine(l.Subject)
	text, html, err := l.bodies()
	if err != nil {
		return nil, err
	}
	return []river.InsertManyParams{{Args: mailArgs{Key: key, UserID: u.ID, To: addr.Address, Subject: l.Subject,
		Text: text, HTML: html}, InsertOpts: d.insertOpts()}}, nil
}
