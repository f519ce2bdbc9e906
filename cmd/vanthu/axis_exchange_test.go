package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine/edxml"
	"github.com/vanthu/vanthu/service/axis"
	"github.com/vanthu/vanthu/signer/docpdf"
)

// axisProc is a `vanthu axis serve` process on a fixed address and directory, so that it
// can be killed and started again as the same axis.
type axisProc struct {
	addr, dir string
	env       []string
	cmd       *exec.Cmd
	done      chan error
	stderr    *syncBuffer
}

func (p *axisProc) start(t *testing.T) {
	t.Helper()
	p.cmd = exec.Command(vanthuBinary(t), "axis", "serve", "--addr", p.addr, "--dir", p.dir, "--log-format", "text")
	p.cmd.Env = append(cleanEnv(), p.env...)
	p.stderr = &syncBuffer{}
	p.cmd.Stderr = p.stderr
	p.done = make(chan error, 1)
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			t.Fatalf("axis serve exited early: %v\n%s", err, p.stderr.String())
		default:
		}
		if resp, err := http.Get("http://" + p.addr + "/v1/agencies"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("axis serve did not answer within 30 s\n%s", p.stderr.String())
}

func (p *axisProc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

// instanceProc is one vanthu instance: its data directory (SQLite, blobs), its settings,
// its tokens by login.
type instanceProc struct {
	env    []string
	srv    *server
	tokens map[string]string
}

func (in *instanceProc) start(t *testing.T) { in.srv = startServer(t, in.env) }

func (in *instanceProc) kill(t *testing.T) {
	t.Helper()
	if err := in.srv.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-in.srv.done
}

func (in *instanceProc) token(t *testing.T, user string) string {
	t.Helper()
	if tok, ok := in.tokens[user]; ok {
		return tok
	}
	cmd := exec.Command(vanthuBinary(t), "token", "create", "--user", user, "--scope", "write", "--json")
	cmd.Env = append(cleanEnv(), in.env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("token for %s: %v", user, err)
	}
	var created struct{ Token string }
	if err := json.Unmarshal(out, &created); err != nil {
		t.Fatal(err)
	}
	in.tokens[user] = created.Token
	return created.Token
}

// get reads a JSON answer as user.
func (in *instanceProc) get(t *testing.T, user, path string, v any) {
	t.Helper()
	code, out := call(t, in.srv.base+path, in.token(t, user), "", nil)
	if code != http.StatusOK {
		t.Fatalf("GET %s as %s: %d %s", path, user, code, out)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// step runs a document's step as user, with the document's ETag and an idempotency key.
func (in *instanceProc) step(t *testing.T, user, id, action string, body any) {
	t.Helper()
	tok := in.token(t, user)
	req, _ := http.NewRequest(http.MethodGet, in.srv.base+"/api/v1/documents/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	b, _ := json.Marshal(body)
	req, _ = http.NewRequest(http.MethodPost, in.srv.base+"/api/v1/documents/"+id+"/"+action, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("If-Match", resp.Header.Get("ETag"))
	req.Header.Set("Idempotency-Key", id+"-"+action)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var p bytes.Buffer
		_, _ = p.ReadFrom(resp.Body)
		t.Fatalf("%s %s as %s: %d %s", action, id, user, resp.StatusCode, p.String())
	}
}

// issue drafts, approves, signs, numbers and seals an outgoing document, and returns its id.
func (in *instanceProc) issue(t *testing.T, subject, pin string, extra map[string]string) string {
	t.Helper()
	pdf, _, _, err := docpdf.RenderDraft(docpdf.Document{Agency: "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", Notation: "UBND-VP",
		Place: "Hòa Bình", Type: "Công văn", Summary: subject, Body: docpdf.Text(subject + "."),
		Signer: docpdf.Signer{Authority: []string{"CHỦ TỊCH"}, Name: "Lãnh đạo"}, Recipients: []string{"Bộ Tài chính", "Lưu: VT"}})
	if err != nil {
		t.Fatal(err)
	}
	meta := map[string]string{"type_code": "", "subject": subject}
	for k, v := range extra {
		meta[k] = v
	}
	metaJSON, _ := json.Marshal(meta)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	part, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="metadata"`}, "Content-Type": {"application/json"}})
	part.Write(metaJSON)
	part, _ = mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="file"; filename="du-thao.pdf"`},
		"Content-Type": {"application/pdf"}})
	part.Write(pdf)
	mw.Close()
	code, out := call(t, in.srv.base+"/api/v1/outgoing", in.token(t, "chuyenvien.tinh"), mw.FormDataContentType(), b.Bytes())
	if code != http.StatusCreated {
		t.Fatalf("draft: %d %s", code, out)
	}
	var drafted struct{ Document struct{ ID string } }
	if err := json.Unmarshal(out, &drafted); err != nil {
		t.Fatal(err)
	}
	id := drafted.Document.ID
	in.step(t, "chuyenvien.tinh", id, "submit", map[string]any{})
	in.step(t, "lanhdao.tinh", id, "approve", map[string]any{})
	in.step(t, "lanhdao.tinh", id, "sign", map[string]any{"pin": pin})
	in.step(t, "vanthu.tinh", id, "issue", map[string]any{"pin": pin})
	return id
}

type deliveryOut struct {
	RecipientCode string `json:"recipient_code"`
	Status        string `json:"status"`
	StatusCode    string `json:"status_code"`
	Reason        string `json:"reason"`
	History       []struct {
		StatusCode string `json:"status_code"`
		Staff      string `json:"staff"`
	} `json:"history"`
}

// axisDelivery is the one delivery over the axis of an outgoing document, with its
// history's codes.
func (in *instanceProc) axisDelivery(t *testing.T, id string) (deliveryOut, []string) {
	t.Helper()
	var dels []deliveryOut
	in.get(t, "vanthu.tinh", "/api/v1/documents/"+id+"/deliveries", &dels)
	for _, d := range dels {
		if d.RecipientCode != "" {
			var codes []string
			for _, h := range d.History {
				codes = append(codes, h.StatusCode)
			}
			return d, codes
		}
	}
	return deliveryOut{}, nil
}

// incoming lists the documents of the clerk's agency that came in with subject.
func (in *instanceProc) incoming(t *testing.T, subject string) []map[string]any {
	t.Helper()
	var page struct{ Items []map[string]any }
	in.get(t, "vanthu.tinh", "/api/v1/documents?view=incoming&limit=200", &page)
	var out []map[string]any
	for _, d := range page.Items {
		if d["subject"] == subject {
			out = append(out, d)
		}
	}
	return out
}

type unitOut struct {
	ID        string `json:"id"`
	ShortName string `json:"short_name"`
}

func waitFor(t *testing.T, what string, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// The issue's acceptance test (13): a province and a ministry, each its own vanthu with its
// own database, exchange over `vanthu axis serve`; the ministry's steps reach the province
// as 01, 03, 04, 05, 06 in order; a recall (13) reaches the ministry; an update and a
// replacement are accepted (15); killing either instance or the axis mid-exchange loses
// and duplicates nothing.
func TestExchangeOverTheAxis(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts an axis emulator and two servers, and kills each of them once")
	}
	const pin = "Hoa-Binh-2024"
	ax := &axisProc{addr: freeAddr(t), dir: t.TempDir(), env: []string{"VANTHU_AXIS_DEMO_SECRET=bi-mat-tinh-0123456789",
		"VANTHU_AXIS_PEER_SECRET=bi-mat-bo-0123456789"}}
	ax.start(t)
	common := []string{"VANTHU_DEMO_PASSWORD=" + pin, "VANTHU_AXIS_URL=http://" + ax.addr, "VANTHU_AXIS_POLL=1s",
		"VANTHU_JOB_RESCUE_AFTER=3s", "VANTHU_LOG_FORMAT=text"}
	dirA, dirB := t.TempDir(), t.TempDir()
	a := &instanceProc{tokens: map[string]string{}, env: append(slices.Clone(common), "VANTHU_DATA="+dirA,
		"VANTHU_AXIS_SYSTEM=vanthu-demo", "VANTHU_AXIS_SECRET=bi-mat-tinh-0123456789")}
	b := &instanceProc{tokens: map[string]string{}, env: append(slices.Clone(common), "VANTHU_DATA="+dirB,
		"VANTHU_AXIS_SYSTEM=vanthu-peer", "VANTHU_AXIS_SECRET=bi-mat-bo-0123456789",
		"VANTHU_DEMO_CODE=G12", "VANTHU_DEMO_CODE102=000.00.00.G12", "VANTHU_DEMO_NAME=Bộ Tài chính")}
	a.start(t)
	b.start(t)

	// The directory reaches the province (synchronised at start).
	waitFor(t, "the ministry in the province's directory", 30*time.Second, func() bool {
		var page struct{ Items []struct{ Code string } }
		a.get(t, "vanthu.tinh", "/api/v1/axis/agencies?q=bo+tai+chinh", &page)
		return len(page.Items) == 1 && page.Items[0].Code == "000.00.00.G12"
	})

	subject := "Về việc phân bổ ngân sách năm 2027"
	orig := a.issue(t, subject, pin, nil)
	// The ministry is down when the document is dispatched: the axis keeps it.
	b.kill(t)
	a.step(t, "vanthu.tinh", orig, "dispatch", map[string]any{"external_codes": []string{"000.00.00.G12"}})
	waitFor(t, "sent", 30*time.Second, func() bool {
		d, _ := a.axisDelivery(t, orig)
		return d.Status == "sent"
	})
	b.start(t)
	var got map[string]any
	waitFor(t, "arrived at the ministry", 60*time.Second, func() bool {
		docs := b.incoming(t, subject)
		if len(docs) > 1 {
			t.Fatalf("%d copies at the ministry", len(docs))
		}
		if len(docs) == 1 {
			got = docs[0]
		}
		return got != nil
	})
	if got["sender_notation"] == "" || got["state"] != "received" {
		t.Fatalf("received %v", got)
	}
	id := got["id"].(string)

	// The ministry works on it; the province is killed in the middle and the axis too.
	b.step(t, "vanthu.tinh", id, "register", map[string]any{})
	a.kill(t)
	b.step(t, "vanthu.tinh", id, "present", map[string]any{})
	var units []unitOut
	b.get(t, "vanthu.tinh", "/api/v1/agencies/"+got["agency_id"].(string)+"/units", &units)
	i := slices.IndexFunc(units, func(u unitOut) bool { return u.ShortName == "NC" })
	if i < 0 {
		t.Fatalf("no unit NC (chuyenvien.tinh's) in %v", units)
	}
	unit := units[i].ID
	b.step(t, "lanhdao.tinh", id, "direct", map[string]any{"text": "Giao phòng nghiệp vụ chủ trì",
		"tasks": []map[string]any{{"unit_id": unit, "role": "lead", "working_days": 5}}})
	ax.kill(t)
	b.step(t, "chuyenvien.tinh", id, "start", map[string]any{})
	ax.start(t)
	a.start(t)
	b.step(t, "chuyenvien.tinh", id, "complete", map[string]any{"result": "Đã tham mưu trả lời"})

	want := []string{"queued", "sent", "01", "03", "04", "05", "06"}
	waitFor(t, "every status at the province", 3*time.Minute, func() bool {
		d, codes := a.axisDelivery(t, orig)
		return d.Status == "done" && len(codes) >= len(want)
	})
	d, codes := a.axisDelivery(t, orig)
	if !slices.Equal(codes, want) {
		t.Fatalf("the province's history %v, want %v (each once, in order)", codes, want)
	}
	if staff := d.History[len(d.History)-1].Staff; staff == "" || strings.Contains(staff, "Hệ thống") {
		t.Fatalf("06 came from %q, want the specialist who completed it", staff)
	}

	// An update and a replacement go to the same recipient and are accepted.
	for _, kind := range []string{"correct", "replace"} {
		sub := fmt.Sprintf("%s (%s)", subject, kind)
		upd := a.issue(t, sub, pin, map[string]string{"replaces_id": orig, "replace_kind": kind})
		a.step(t, "vanthu.tinh", upd, "dispatch", map[string]any{})
		waitFor(t, kind+" accepted", 2*time.Minute, func() bool {
			d, _ := a.axisDelivery(t, upd)
			return d.Status == "change_accepted"
		})
		if n := len(b.incoming(t, sub)); n != 1 {
			t.Fatalf("%d copies of the %s at the ministry", n, kind)
		}
	}

	// The province recalls the original: the ministry sees it cancelled and answers 15.
	a.step(t, "vanthu.tinh", orig, "recall", map[string]any{"reason": "Ban hành nhầm số liệu"})
	waitFor(t, "recalled at the ministry", 2*time.Minute, func() bool {
		var doc map[string]any
		b.get(t, "vanthu.tinh", "/api/v1/documents/"+id, &doc)
		return doc["state"] == "cancelled"
	})
	waitFor(t, "the recall answered", 2*time.Minute, func() bool {
		d, _ := a.axisDelivery(t, orig)
		return d.Status == "change_accepted"
	})
	if n := len(b.incoming(t, subject)); n != 1 {
		t.Fatalf("%d copies of the original at the ministry after everything, want 1", n)
	}

	// Another ministry's system sends the ministry a letter whose appendix comes zipped,
	// as gateways send them: it arrives with the zip's PDFs unpacked beside the letter.
	zipSubject := "Về việc góp ý dự thảo Thông tư"
	sendZipped(t, "http://"+ax.addr, zipSubject)
	var zipped map[string]any
	waitFor(t, "the zipped letter at the ministry", time.Minute, func() bool {
		if docs := b.incoming(t, zipSubject); len(docs) == 1 {
			zipped = docs[0]
		}
		return zipped != nil
	})
	var files []struct {
		Name string `json:"name"`
	}
	b.get(t, "vanthu.tinh", "/api/v1/documents/"+zipped["id"].(string)+"/files", &files)
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	if want := []string{"cong-van.pdf", "phu-luc-1.pdf", "phu-luc-2.pdf"}; !slices.Equal(names, want) {
		t.Fatalf("files of the zipped letter %v, want %v (the zip unpacked)", names, want)
	}
}

// sendZipped sends, as Bộ Tư pháp on the peer system, a letter to Bộ Tài chính with its
// appendix as a zip of two PDFs.
func sendZipped(t *testing.T, url, subject string) {
	t.Helper()
	pdf := func(title string) []byte {
		b, _, _, err := docpdf.RenderDraft(docpdf.Document{Agency: "BỘ TƯ PHÁP", Notation: "BTP-PLDSKT", Place: "Hà Nội",
			Type: "Công văn", Summary: title, Body: docpdf.Text(title + "."),
			Signer: docpdf.Signer{Authority: []string{"KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"}, Name: "Nguyễn Thanh Tịnh"}, Recipients: []string{"Lưu: VT"}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	for _, name := range []string{"phu-luc-1.pdf", "phu-luc-2.pdf"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(pdf("Phụ lục " + name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var err error
	m := &edxml.Message{
		From:         edxml.Organization{OrganID: "000.00.00.G07", OrganName: "Bộ Tư pháp"},
		To:           []edxml.Organization{{OrganID: "000.00.00.G12", OrganName: "Bộ Tài chính"}},
		Code:         edxml.Code{Number: "4521", Notation: "BTP-PLDSKT"},
		Promulgation: edxml.PromulgationInfo{Place: "Hà Nội", Date: now},
		DocumentType: edxml.DocumentType{TypeName: "Công văn"},
		Subject:      subject,
		DeclaredID:   "000.00.00.G07,2026/12/07,4521/BTP-PLDSKT",
		Business:     edxml.Business{DocType: edxml.BusinessNew, DocumentID: "000.00.00.G07,2026/12/07,4521/BTP-PLDSKT"},
		TraceHeaders: []edxml.TraceHeader{{OrganID: "000.00.00.G07", Timestamp: now}},
	}
	var body bytes.Buffer
	err = edxml.BuildMessage(&body, m,
		edxml.Attachment{Name: "cong-van.pdf", ContentType: "application/pdf", Content: bytes.NewReader(pdf(subject))},
		edxml.Attachment{Name: "phu-luc.zip", ContentType: "application/zip", Content: bytes.NewReader(zipped.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	peer, err := axis.NewClient(url, "vanthu-peer", "bi-mat-bo-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := peer.Send(t.Context(), axis.Outgoing{Type: axis.TypeDocument, From: "000.00.00.G07",
		To: []string{"000.00.00.G12"}, Key: "gop-y-thong-tu", Body: &body, Size: int64(body.Len())}); err != nil {
		t.Fatalf("send the zipped letter: %v", err)
	}
}
