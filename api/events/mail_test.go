package events_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vanthu/vanthu/api/events"
	"github.com/vanthu/vanthu/engine"
)

// mailServer is a real SMTP server: STARTTLS, AUTH PLAIN, and a first delivery refused
// with a temporary error.
type mailServer struct {
	mu       sync.Mutex
	refuse   int
	received chan received
}

type received struct {
	from, to string
	tls      bool
	authed   bool
	data     []byte
}

type mailSession struct {
	srv  *mailServer
	conn *smtp.Conn
	cur  received
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *mailSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != "vanthu" || password != "mật-khẩu" {
			return errors.New("bad credentials")
		}
		s.cur.authed = true
		return nil
	}), nil
}
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error { s.cur.from = from; return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error   { s.cur.to = to; return nil }
func (s *mailSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if s.srv.refuse > 0 {
		s.srv.refuse--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	got := s.cur
	_, got.tls = s.conn.TLSConnectionState()
	got.data = data
	s.srv.received <- got
	return nil
}
func (s *mailSession) Reset()        { s.cur = received{authed: s.cur.authed} }
func (s *mailSession) Logout() error { return nil }

func startMailServer(t *testing.T) (*events.SMTP, *mailServer) {
	t.Helper()
	cert, pool := selfSigned(t)
	ms := &mailServer{refuse: 1, received: make(chan received, 16)}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &mailSession{srv: ms, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	conf, err := events.ParseSMTP("smtp://vanthu:m%E1%BA%ADt-kh%E1%BA%A9u@" + ln.Addr().String())
	must(t, err)
	conf.From, err = events.ParseFrom("Văn thư điện tử <vanthu@hoabinh.gov.vn>")
	must(t, err)
	conf.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	return conf, ms
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(t, err)
	leaf, err := x509.ParseCertificate(der)
	must(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// parsed is a received message as a reader of mail sees it.
type parsed struct {
	to, subject, text, html string
}

func parseMessage(t *testing.T, data []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	must(t, err)
	var p parsed
	p.to = m.Header.Get("To")
	p.subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	must(t, err)
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q: %v", m.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		must(t, err)
		body, err := io.ReadAll(part)
		must(t, err)
		switch ct := part.Header.Get("Content-Type"); ct {
		case "text/plain; charset=utf-8":
			p.text = string(body)
		case "text/html; charset=utf-8":
			p.html = string(body)
		default:
			t.Fatalf("unexpected part %q", ct)
		}
	}
	return p
}

func TestMailNotifications(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		conf, ms := startMailServer(t)
		b := setup(t, open, events.Settings{}, events.DeliverySettings{Mail: conf, RetryBase: 10 * time.Millisecond,
			WebhookAllowLoopback: true})
		ctx := context.Background()
		subject := "Về việc rà soát thủ tục hành chính năm 2026"
		doc := b.registered(t, subject)
		_, err := b.eng.Present(ctx, b.clerk, doc.ID, "")
		must(t, err)
		past := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Second)
		_, err = b.eng.Direct(ctx, b.leader, doc.ID, engine.DirectInput{Text: "Giao chị Hoà chủ trì",
			Tasks: []engine.UnitTask{{UserID: b.specialist.UserID, Role: engine.Lead, Deadline: &past}}}, "")
		must(t, err)
		rv := &receiver{secret: "khoá-bí-mật-0123456789", got: make(chan delivery, 4)}
		hookSrv := httptest.NewServer(rv)
		t.Cleanup(hookSrv.Close)
		_, err = b.eng.CreateWebhook(ctx, b.admin, engine.Webhook{URL: hookSrv.URL, Secret: rv.secret,
			EventTypes: []string{"assignment.overdue"}})
		must(t, err)
		reminders := &engine.Reminders{Engine: b.eng}
		if n, err := reminders.RunOnce(ctx); err != nil || n == 0 {
			t.Fatalf("reminders: %d, %v", n, err)
		}
		b.start(t)

		got := map[string]parsed{}
		for len(got) < 2 {
			select {
			case r := <-ms.received:
				if r.to != "hoa@hoabinh.gov.vn" || r.from != "vanthu@hoabinh.gov.vn" || !r.tls || !r.authed {
					t.Fatalf("envelope %s → %s, tls %v, authenticated %v", r.from, r.to, r.tls, r.authed)
				}
				p := parseMessage(t, r.data)
				got[p.subject] = p
			case <-time.After(15 * time.Second):
				t.Fatalf("received %d messages, want 2: %v", len(got), got)
			}
		}
		assigned, ok := got["[Văn thư] Văn bản mới giao xử lý: "+subject]
		if !ok {
			t.Fatalf("no assignment mail among %v", keys(got))
		}
		if !strings.Contains(assigned.to, "hoa@hoabinh.gov.vn") ||
			!strings.Contains(assigned.text, "Kính gửi Nguyễn Thị Hoà,") ||
			!strings.Contains(assigned.text, "Hạn xử lý: "+past.In(time.FixedZone("ICT", 7*3600)).Format("02/01/2006")) ||
			!strings.Contains(assigned.text, "(chủ trì)") ||
			!strings.Contains(assigned.html, "<p>Kính gửi Nguyễn Thị Hoà,</p>") {
			t.Fatalf("assignment mail: %+v", assigned)
		}
		overdue, ok := got["[Văn thư] Quá hạn xử lý: "+subject]
		if !ok {
			t.Fatalf("no overdue mail among %v", keys(got))
		}
		if !strings.Contains(overdue.text, "Quá hạn xử lý (hạn ") || !strings.Contains(overdue.html, "Quá hạn xử lý") {
			t.Fatalf("overdue mail: %+v", overdue)
		}
		// The job queue keeps the log: both mails completed, one on its second attempt, and
		// none was queued for the leader (escalated to), who has no e-mail address.
		waitFor(t, func() bool {
			res, err := b.queue.JobList(ctx, river.NewJobListParams().Kinds(events.KindMail))
			must(t, err)
			retried := false
			for _, j := range res.Jobs {
				if j.State != rivertype.JobStateCompleted {
					return false
				}
				retried = retried || j.Attempt == 2
			}
			return len(res.Jobs) == 2 && retried
		})
		select {
		case d := <-rv.got:
			as, err := b.store.AssignmentListByDocument(ctx, doc.ID)
			must(t, err)
			if !d.signed || d.eventType != "assignment.overdue" || len(as) != 1 || d.body["object_id"] != as[0].ID {
				t.Fatalf("overdue webhook: %+v", d)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no assignment.overdue webhook")
		}

	})
}

func keys(m map[string]parsed) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestParseSMTP(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "http://mail.example", "smtp://", "smtp://host:25/path", "smtp://u:p@host?x=1", "smtp://[::1"} {
		if _, err := events.ParseSMTP(bad); err == nil {
			t.Errorf("ParseSMTP(%q) accepted", bad)
		}
	}
	s, err := events.ParseSMTP("smtp://user:s%40cret@mail.hoabinh.gov.vn:587")
	if err != nil || s.Host != "mail.hoabinh.gov.vn" || s.Port != "587" || s.Username != "user" || s.Password != "s@cret" {
		t.Fatalf("ParseSMTP = %+v, %v", s, err)
	}
	if strings.Contains(s.String(), "s@cret") {
		t.Fatal("String() shows the password")
	}
	if s, err := events.ParseSMTP("smtps://mail.example"); err != nil || !s.ImplicitTLS || s.Port != "465" {
		t.Fatalf("smtps default port: %+v, %v", s, err)
	}
	if _, err := events.ParseSMTP("smtp://u:topsecret@host/x"); err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Fatalf("error for a bad URL: %v", err)
	}
}

func FuzzParseSMTP(f *testing.F) {
	for _, s := range []string{"smtp://u:p@host:25", "smtps://host", "smtp://[::1]:2525", "smtp://h:p@x:1/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s, err := events.ParseSMTP(raw)
		if err != nil {
			return
		}
		if s.Host == "" || s.Port == "" {
			t.Fatalf("accepted %q without host or port: %+v", raw, s)
		}
		if s.Password != "" && strings.Contains(s.String(), s.Password) && !strings.Contains(s.Username+s.Host+s.Port, s.Password) {
			t.Fatalf("String() of %q shows the password", raw)
		}
	})
}
