package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestServeAnswersForTheDemoCA: serve answers the demo CA's OCSP, CRLs and timestamps at
// the address its certificates name, so a document the demo's leader and clerk sign
// through the API is B-LT and `vanthu verify` says TOTAL_PASSED — also after a restart,
// for the documents of the first run and the next.
func TestServeAnswersForTheDemoCA(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	first := startServer(t, nil, "--data", data)
	m := passwordLine.FindStringSubmatch(first.stdout.String())
	if m == nil {
		t.Fatalf("no demo password in:\n%s", first.stdout.String())
	}
	pin := m[1]
	port, err := os.ReadFile(filepath.Join(data, "demo-pki", "port"))
	if err != nil {
		t.Fatal(err)
	}
	caBase := "http://127.0.0.1:" + strings.TrimSpace(string(port))
	leader, clerk := demoToken(t, data, "lanhdao.tinh"), demoToken(t, data, "vanthu.tinh")

	// The draft of a Quyết định waits for the chairman's signature since the first start.
	plan := signAndIssue(t, first, leader, clerk, pin, "approved", "Kế hoạch chuyển đổi số năm 2026")
	if !strings.Contains(plan.name, "QĐ-UBND") {
		t.Errorf("the issued file is named %q; want its notation with Đ", plan.name)
	}
	verifyPasses(t, data, plan.path)
	answersCA(t, caBase)

	first.stop(t)
	if resp, err := http.Get(caBase + "/ca/root.crt"); err == nil {
		resp.Body.Close()
		t.Fatalf("the demo CA still answers after serve stopped: %s", resp.Status)
	}
	second := startServer(t, nil, "--data", data)
	answersCA(t, caBase)
	verifyPasses(t, data, plan.path)
	// A letter the chairman signed before the restart is numbered and sealed after it.
	letter := signAndIssue(t, second, "", clerk, pin, "signed", "tăng cường kỷ luật")
	verifyPasses(t, data, letter.path)
	second.stop(t)
}

// demoToken creates an API token for a demo user, with the binary serve runs.
func demoToken(t *testing.T, data, user string) string {
	t.Helper()
	cmd := exec.Command(vanthuBinary(t), "token", "create", "--data", data, "--user", user, "--scope", "write", "--json")
	cmd.Env = cleanEnv()
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("token create: %v %s", err, errOut.String())
	}
	var created struct{ Token string }
	if err := json.Unmarshal(out, &created); err != nil || created.Token == "" {
		t.Fatalf("token create printed %s (%v)", out, err)
	}
	return created.Token
}

// issued is the agency-signed PDF of a document, downloaded as a user would.
type issued struct{ path, name string }

// signAndIssue takes the province's document in state whose subject holds subject: the
// leader signs it (when leaderToken is set) and the clerk numbers, signs and seals it,
// through the API; it returns the issued PDF.
func signAndIssue(t *testing.T, s *server, leaderToken, clerkToken, pin, state, subject string) issued {
	t.Helper()
	var page struct {
		Items []struct{ ID, State, Subject string }
	}
	code, body, _ := apiDo(t, "GET", s.base+"/api/v1/documents?view=outgoing&state="+state, clerkToken, nil)
	if err := json.Unmarshal(body, &page); code != http.StatusOK || err != nil {
		t.Fatalf("list: %d %s", code, body)
	}
	id := ""
	for _, d := range page.Items {
		if strings.Contains(d.Subject, subject) {
			id = d.ID
		}
	}
	if id == "" {
		t.Fatalf("no %s document about %q in %s", state, subject, body)
	}
	doc := s.base + "/api/v1/documents/" + id
	if leaderToken != "" {
		if code, body, _ := apiDo(t, "POST", doc+"/sign", leaderToken, map[string]string{"pin": pin}); code != http.StatusOK {
			t.Fatalf("the leader's signature: %d %s", code, body)
		}
	}
	if code, body, _ := apiDo(t, "POST", doc+"/issue", clerkToken, map[string]string{"pin": pin}); code != http.StatusOK {
		t.Fatalf("the clerk's seal: %d %s", code, body)
	}
	var files []struct {
		Seq  int
		Kind string
	}
	_, body, _ = apiDo(t, "GET", doc+"/files", clerkToken, nil)
	if err := json.Unmarshal(body, &files); err != nil {
		t.Fatalf("files: %s", body)
	}
	last := 0
	for _, f := range files {
		if f.Kind == "signed" && f.Seq > last {
			last = f.Seq
		}
	}
	code, pdf, header := apiDo(t, "GET", doc+"/files/"+strconv.Itoa(last), clerkToken, nil)
	if code != http.StatusOK {
		t.Fatalf("download: %d", code)
	}
	_, params, err := mime.ParseMediaType(header.Get("Content-Disposition"))
	if err != nil {
		t.Fatalf("Content-Disposition %q: %v", header.Get("Content-Disposition"), err)
	}
	path := filepath.Join(t.TempDir(), "issued.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return issued{path: path, name: params["filename"]}
}

// verifyPasses runs `vanthu verify` on file with the data directory's trust store: both
// signatures pass at B-LT, and the report says so in Vietnamese, in Vietnam's time.
func verifyPasses(t *testing.T, data, file string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"verify", "--data", data, "--json", file}, &out, &errOut)
	var rep struct {
		Signatures []struct{ Indication, Level string }
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || code != 0 || len(rep.Signatures) != 2 {
		t.Fatalf("verify --json: exit %d, %v\n%s%s", code, err, out.String(), errOut.String())
	}
	for _, s := range rep.Signatures {
		if s.Indication != "TOTAL_PASSED" || s.Level != "PAdES-BASELINE-LT" {
			t.Fatalf("a signature is %s at %s, want TOTAL_PASSED at B-LT:\n%s", s.Indication, s.Level, out.String())
		}
	}
	out.Reset()
	if code := run(context.Background(), []string{"verify", "--data", data, "--lang", "vi", file}, &out, &errOut); code != 0 {
		t.Fatalf("verify: exit %d\n%s", code, out.String())
	}
	text := out.String()
	if strings.Count(text, "Kết quả:               HỢP LỆ (TOTAL_PASSED)") != 2 || !strings.Contains(text, "B-LT (PAdES-BASELINE-LT)") ||
		!strings.Contains(text, "(giờ Việt Nam, UTC+07:00)") || !strings.Contains(text, "Cơ quan, tổ chức:      Ủy ban nhân dân tỉnh Hòa Bình") {
		t.Fatalf("the report does not say, in Vietnamese, that both signatures are valid at B-LT:\n%s", text)
	}
}

// answersCA checks that the CA's certificate and CRL URLs answer.
func answersCA(t *testing.T, base string) {
	t.Helper()
	for _, path := range []string{"/ca/root.crt", "/crl/ca.crl"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		if path == "/crl/ca.crl" {
			if _, err := x509.ParseRevocationList(body); err != nil {
				t.Fatalf("the demo CRL does not parse: %v", err)
			}
		}
	}
}

func apiDo(t *testing.T, method, url, token string, body any) (int, []byte, http.Header) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("If-Match", "*")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header
}

// TestDemoPKIKeepsItsAddress: the demo CA answers on the same loopback address run after
// run; a second process finds the first one answering there and uses it; an address
// taken by something else leaves the certificates' address alone.
func TestDemoPKIKeepsItsAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "demo-pki")
	first, err := startDemoPKI(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	answersCA(t, first.baseURL)
	second, err := startDemoPKI(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if second.srv != nil || second.baseURL != first.baseURL || second.tsaURL != first.baseURL+"/tsa" {
		t.Fatalf("next to a running one, a second run serves %v at %s (TSA %s); want the first's %s",
			second.srv != nil, second.baseURL, second.tsaURL, first.baseURL)
	}
	person, err := second.ca.IssuePerson("Đinh Văn Phúc", "")
	if err != nil || person.Certificate.OCSPServer[0] != first.baseURL+"/ocsp" {
		t.Fatalf("a certificate of the second run names %v (%v)", person.Certificate.OCSPServer, err)
	}
	first.Close()
	second.Close()

	third, err := startDemoPKI(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if third.baseURL != first.baseURL || third.srv == nil {
		t.Fatalf("after a restart the CA answers at %s (serving: %v), want %s", third.baseURL, third.srv != nil, first.baseURL)
	}
	answersCA(t, third.baseURL)
	third.Close()

	// Another program takes the address: this run serves elsewhere, certificates keep it.
	other := httptest.NewUnstartedServer(http.NotFoundHandler())
	other.Listener.Close()
	ln, err := net.Listen("tcp", strings.TrimPrefix(first.baseURL, "http://"))
	if err != nil {
		t.Skipf("the address was taken meanwhile: %v", err)
	}
	other.Listener = ln
	other.Start()
	defer other.Close()
	fourth, err := startDemoPKI(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer fourth.Close()
	if fourth.baseURL != first.baseURL || fourth.srv == nil || fourth.tsaURL == first.baseURL+"/tsa" {
		t.Fatalf("with the address taken: base %s, serving %v, TSA %s", fourth.baseURL, fourth.srv != nil, fourth.tsaURL)
	}
	answersCA(t, strings.TrimSuffix(fourth.tsaURL, "/tsa"))
}
