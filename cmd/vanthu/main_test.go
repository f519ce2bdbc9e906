package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vanthu/vanthu/signer/signertest"
	"github.com/vanthu/vanthu/storage/testenv"
)

// binary is vanthu built once for the tests that run it as a user would.
var binary struct {
	once sync.Once
	path string
	err  error
}

func vanthuBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		dir, err := os.MkdirTemp("", "vanthu-bin-")
		if err != nil {
			binary.err = err
			return
		}
		binary.path = filepath.Join(dir, "vanthu")
		out, err := exec.Command("go", "build", "-o", binary.path, ".").CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// server is a running `vanthu serve`.
type server struct {
	cmd    *exec.Cmd
	base   string
	stdout *syncBuffer
	done   chan error
}

// syncBuffer is the server's standard output, read by the test while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startServer(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(vanthuBinary(t), append([]string{"serve", "--addr", addr}, args...)...)
	cmd.Env = append(cleanEnv(), env...)
	s := &server{cmd: cmd, base: "http://" + addr, stdout: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout = s.stdout
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	// The first start of the embedded default seeds and plays the demo before it listens.
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			t.Fatalf("serve exited early: %v\nstderr: %s", err, stderr.String())
		default:
		}
		if resp, err := http.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("serve did not answer within 90s\nstderr: %s", stderr.String())
	return nil
}

// stop sends SIGTERM and expects a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30s of SIGTERM")
	}
}

// getAs logs in as a user through the API, as a browser's login form does, and reads a
// page with the session.
func (s *server) getAs(t *testing.T, username, password, path string) (int, string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar}
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	resp, err := client.Post(s.base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login as %s: %d", username, resp.StatusCode)
	}
	resp, err = client.Get(s.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(page)
}

func (s *server) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(s.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// cleanEnv is the test's environment without VANTHU_* settings, so that a developer's
// own configuration cannot leak into a test.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VANTHU_") || strings.HasPrefix(kv, "VANTHU_TEST_") {
			out = append(out, kv)
		}
	}
	return out
}

var passwordLine = regexp.MustCompile(`every demo user's password is "([^"]+)"`)

func TestServeEmbeddedDefault(t *testing.T) {
	t.Parallel()
	data := t.TempDir()

	first := startServer(t, nil, "--data", data)
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := first.get(t, path); code != http.StatusOK {
			t.Fatalf("GET %s = %d %s", path, code, body)
		}
	}
	if _, metrics := first.get(t, "/metrics"); !strings.Contains(metrics, "vanthu_fixity_damaged_objects") {
		t.Errorf("/metrics does not show the archive's fixity check")
	}
	if _, login := first.get(t, "/"); !strings.Contains(login, "Đăng nhập") {
		t.Fatalf("the home page does not ask a visitor to log in, in Vietnamese: %s", login)
	}
	m := passwordLine.FindStringSubmatch(first.stdout.String())
	if m == nil {
		t.Fatalf("first start did not print the demo logins:\n%s", first.stdout.String())
	}
	// Every demo user finds today's work waiting, in Vietnamese.
	for user, work := range map[string]string{
		"vanthu.tinh":      "hướng dẫn chỉ tiêu chuyển đổi số năm 2026",   // a scan to register
		"lanhdao.tinh":     "rà soát công tác văn thư, lưu trữ năm 2026",  // to direct
		"chuyenvien.tinh":  "đẩy mạnh xử lý văn bản trên môi trường mạng", // a task
		"truongphong.tinh": "báo cáo kết quả rà soát dữ liệu dân cư",      // a draft to review
		"vanthu.maichau":   "chuẩn bị hội nghị sơ kết Đề án 06",           // to register
	} {
		code, page := first.getAs(t, user, m[1], "/")
		if code != http.StatusOK || !strings.Contains(page, work) || !strings.Contains(page, "Đăng xuất") {
			t.Errorf("%s's home page (%d) does not show %q", user, code, work)
		}
	}
	first.stop(t)
	out := first.stdout.String()
	if !strings.Contains(out, "Seeded the demo province") || !strings.Contains(out, "Played the demo fortnight") {
		t.Fatalf("first start did not seed and play the demo:\n%s", out)
	}

	t.Run("RestartKeepsTheData", func(t *testing.T) {
		second := startServer(t, nil, "--data", data)
		_, home := second.getAs(t, "lanhdao.tinh", m[1], "/")
		second.stop(t)
		out := second.stdout.String()
		if strings.Contains(out, "Seeded") || strings.Contains(out, "Played") {
			t.Fatalf("restart seeded again:\n%s", out)
		}
		if !strings.Contains(home, "rà soát công tác văn thư, lưu trữ năm 2026") {
			t.Fatalf("after restart the leader's work is gone: %s", home)
		}
		if m2 := passwordLine.FindStringSubmatch(out); m2 == nil || m2[1] != m[1] {
			t.Fatalf("restart printed another demo password:\n%s", out)
		}
	})

	t.Run("DemoPasswordComesFromTheEnvironment", func(t *testing.T) {
		s := startServer(t, []string{"VANTHU_DEMO_PASSWORD=Hoa-Binh-2024"}, "--data", t.TempDir())
		s.stop(t)
		if !strings.Contains(s.stdout.String(), `password is "Hoa-Binh-2024"`) {
			t.Fatalf("output:\n%s", s.stdout.String())
		}
	})
}

// TestServeOnEveryStoreCombination runs the same binary on PostgreSQL or SQLite with S3
// or files, configured through the environment as an operator would.
func TestServeOnEveryStoreCombination(t *testing.T) {
	t.Parallel()
	s3 := testenv.S3Server(t)
	databases := map[string]func(t *testing.T) string{
		"SQLite":     func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "v.db") },
		"PostgreSQL": func(t *testing.T) string { return testenv.PostgresURL(t) },
	}
	blobStores := map[string]func(t *testing.T) []string{
		"Files": func(t *testing.T) []string { return []string{"VANTHU_BLOB_URL=file://" + t.TempDir()} },
		"S3": func(t *testing.T) []string {
			bucket := s3
			bucket.Bucket = strings.ReplaceAll(testenv.Name("combo-"), "_", "-")
			return []string{"VANTHU_BLOB_URL=" + bucket.URL(), "VANTHU_S3_ACCESS_KEY=" + s3.AccessKey, "VANTHU_S3_SECRET_KEY=" + s3.SecretKey}
		},
	}
	for dbName, dbURL := range databases {
		for blobName, blobEnv := range blobStores {
			t.Run(dbName+"With"+blobName, func(t *testing.T) {
				t.Parallel()
				env := append(blobEnv(t), "VANTHU_DATABASE_URL="+dbURL(t), "VANTHU_DATA="+t.TempDir(),
					"VANTHU_DEMO_PASSWORD=Hoa-Binh-2024")
				seed := exec.Command(vanthuBinary(t), "seed")
				seed.Env = append(cleanEnv(), env...)
				if out, err := seed.CombinedOutput(); err != nil || !strings.Contains(string(out), "Issued 60 demo signing keys") {
					t.Fatalf("vanthu seed: %v\n%s", err, out)
				}
				s := startServer(t, env)
				code, body := s.get(t, "/readyz")
				_, agencies := s.getAs(t, "quantri.tinh", "Hoa-Binh-2024", "/api/v1/agencies")
				s.stop(t)
				if code != http.StatusOK || !strings.Contains(body, `"database":"ok"`) || !strings.Contains(body, `"blobs":"ok"`) {
					t.Fatalf("readyz = %d %s", code, body)
				}
				if !strings.Contains(agencies, "Ủy ban nhân dân huyện Mai Châu") {
					t.Fatalf("the seeded agencies through the API: %s", agencies)
				}
			})
		}
	}
}

func TestBadSettingsFailWithOneClearLine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		env     []string
		args    []string
		setting string
	}{
		{"UnknownDatabaseScheme", []string{"VANTHU_DATABASE_URL=mysql://root@localhost/x"}, nil, "VANTHU_DATABASE_URL"},
		{"UnreachablePostgres", []string{"VANTHU_DATABASE_URL=postgres://nobody@127.0.0.1:1/x?connect_timeout=3"}, nil, "VANTHU_DATABASE_URL"},
		{"NotAURL", []string{"VANTHU_DATABASE_URL=just words"}, nil, "VANTHU_DATABASE_URL"},
		{"UnknownBlobScheme", []string{"VANTHU_BLOB_URL=ftp://files.example/x"}, nil, "VANTHU_BLOB_URL"},
		{"S3WithoutCredentials", []string{"VANTHU_BLOB_URL=s3://bucket?endpoint=127.0.0.1:1&secure=false"}, nil, "VANTHU_BLOB_URL"},
		{"UnreachableS3", []string{"VANTHU_BLOB_URL=s3://bucket?endpoint=127.0.0.1:1&secure=false", "VANTHU_S3_ACCESS_KEY=a", "VANTHU_S3_SECRET_KEY=b"}, nil, "VANTHU_BLOB_URL"},
		{"BadLogFormat", nil, []string{"--log-format", "xml"}, "VANTHU_LOG_FORMAT"},
		{"DataDirIsAFile", nil, []string{"--data", "/dev/null/x"}, "VANTHU_DATA"},
		{"AxisWithoutSystem", []string{"VANTHU_AXIS_URL=http://127.0.0.1:1"}, nil, "VANTHU_AXIS_SYSTEM"},
		{"AxisNotAURL", []string{"VANTHU_AXIS_URL=trục quốc gia", "VANTHU_AXIS_SYSTEM=vanthu-demo"}, nil, "VANTHU_AXIS_URL"},
		{"AxisPollTooShort", []string{"VANTHU_AXIS_URL=http://127.0.0.1:1", "VANTHU_AXIS_SYSTEM=vanthu-demo", "VANTHU_AXIS_POLL=1ms"}, nil, "VANTHU_AXIS_POLL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"serve", "--addr", "127.0.0.1:0"}, tc.args...)
			if !contains(tc.args, "--data") {
				args = append(args, "--data", t.TempDir())
			}
			cmd := exec.Command(vanthuBinary(t), args...)
			cmd.Env = append(cleanEnv(), tc.env...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			done := make(chan error, 1)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { done <- cmd.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-ctx.Done():
				_ = cmd.Process.Kill()
				t.Fatal("serve with a bad setting did not exit")
			}
			if err == nil {
				t.Fatal("exit code 0")
			}
			lines := nonEmptyLines(stderr.String())
			if len(lines) != 1 || !strings.Contains(lines[0], tc.setting) {
				t.Fatalf("stderr should be one line naming %s, got:\n%s", tc.setting, stderr.String())
			}
			if strings.Contains(stderr.String(), "VANTHU_S3_SECRET_KEY=b") {
				t.Fatal("a secret reached the error output")
			}
		})
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, &out, &errOut); code != 2 {
		t.Fatalf("unknown command: exit %d", code)
	}
	if code := run(context.Background(), []string{"version"}, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "vanthu ") {
		t.Fatalf("version: exit %d, %q", code, out.String())
	}
	if code := run(context.Background(), []string{"serve", "--no-such-flag"}, &out, &errOut); code != 2 {
		t.Fatalf("bad flag: exit %d", code)
	}
}

func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(500 * time.Millisecond)
		fmt.Fprint(w, "đã xong")
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serveUntilDone(ctx, srv, ln, "", "", 10*time.Second) }()

	body := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			body <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body <- string(b)
	}()
	<-started
	cancel() // what SIGTERM does
	if got := <-body; got != "đã xong" {
		t.Fatalf("request in flight got %q", got)
	}
	if err := <-served; err != nil {
		t.Fatalf("serveUntilDone: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
		t.Fatal("server still accepts connections after shutdown")
	}
}

func nonEmptyLines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			out = append(out, sc.Text())
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestDemoDay(t *testing.T) {
	t.Parallel()
	pdfsig := signertest.Tool(t, "pdfsig")
	data := t.TempDir()
	replica := "VANTHU_REPLICA_BLOB_URL=file://" + t.TempDir() // a second store for archived objects
	cmd := exec.Command(vanthuBinary(t), "demo", "--json", "--data", data)
	cmd.Env = append(cleanEnv(), replica)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("vanthu demo: %v\n%s", err, stderr.String())
	}
	var sum struct {
		DocumentsIssued int  `json:"documents_issued"`
		Deliveries      int  `json:"deliveries"`
		Registered      int  `json:"registered"`
		Completed       int  `json:"completed"`
		Overdue         int  `json:"overdue"`
		AuditEvents     int  `json:"audit_events"`
		AuditChainOK    bool `json:"audit_chain_ok"`
		RecordsClosed   int  `json:"records_closed"`
		RecordsArchived int  `json:"records_handed_over"`
		Directive       struct {
			Notation   string            `json:"notation"`
			Recipients map[string]string `json:"recipients"`
		} `json:"directive"`
	}
	if err := json.Unmarshal(out, &sum); err != nil {
		t.Fatalf("demo --json is not JSON: %v\n%s", err, out)
	}
	if sum.DocumentsIssued == 0 || sum.Deliveries < sum.DocumentsIssued || sum.Registered == 0 || sum.Completed == 0 ||
		sum.Overdue == 0 || sum.AuditEvents == 0 || !sum.AuditChainOK || sum.RecordsClosed == 0 || sum.RecordsArchived == 0 {
		t.Fatalf("summary: %s", out)
	}
	if sum.Directive.Notation != "01/CT-UBND" || len(sum.Directive.Recipients) < 3 {
		t.Fatalf("directive: %+v", sum.Directive)
	}
	statuses := map[string]int{}
	for _, s := range sum.Directive.Recipients {
		statuses[s]++
	}
	if statuses["done"] == 0 || statuses["done"] == len(sum.Directive.Recipients) {
		t.Fatalf("the province should see some districts done and some not: %v", sum.Directive.Recipients)
	}

	// Every issued document was signed by the leader and then by the agency.
	twice := 0
	var signedPDF string
	err = filepath.WalkDir(filepath.Join(data, "blobs", "sha256"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		report, _ := exec.Command(pdfsig, "-nocert", path).CombinedOutput()
		// B-LT: the DSS comes after the agency's signature, so no signature covers the whole file.
		if strings.Count(string(report), "Signature is Valid") == 2 {
			twice++
			signedPDF = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if twice != sum.DocumentsIssued {
		t.Fatalf("%d PDFs carry two valid signatures, want one per issued document (%d)", twice, sum.DocumentsIssued)
	}

	t.Run("VanthuVerifyPassesEverySignature", func(t *testing.T) {
		cmd := exec.Command(vanthuBinary(t), "verify", "--json", "--offline", "--data", data, signedPDF)
		cmd.Env = cleanEnv()
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("vanthu verify: %v\n%s", err, out)
		}
		var rep struct {
			Signatures []struct {
				Indication string `json:"indication"`
				Level      string `json:"level"`
			} `json:"signatures"`
		}
		if err := json.Unmarshal(out, &rep); err != nil || len(rep.Signatures) != 2 {
			t.Fatalf("report: %v\n%s", err, out)
		}
		for _, s := range rep.Signatures {
			if s.Indication != "TOTAL_PASSED" || s.Level != "PAdES-BASELINE-LT" {
				t.Fatalf("leader's and agency's signatures must pass at B-LT:\n%s", out)
			}
		}
		// The same file with bytes appended after signing must not pass.
		b, _ := os.ReadFile(signedPDF)
		tampered := filepath.Join(t.TempDir(), "tampered.pdf")
		os.WriteFile(tampered, append(b, []byte("\n% thêm sau khi ký\n")...), 0o600)
		cmd = exec.Command(vanthuBinary(t), "verify", "--offline", "--data", data, tampered)
		cmd.Env = cleanEnv()
		if out, err := cmd.Output(); err == nil {
			t.Fatalf("a tampered document verified:\n%s", out)
		}
	})

	t.Run("ArchiveExportWritesAValidBag", func(t *testing.T) {
		out := t.TempDir()
		year := time.Now().In(vietnamTime).AddDate(0, 0, -demoLookbackDays).Year()
		cmd := exec.Command(vanthuBinary(t), "archive", "export", "--data", data, "--out", out, "--agency", "H23",
			"--record", "01.VX", "--year", fmt.Sprint(year))
		cmd.Env = cleanEnv()
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("archive export: %v\n%s", err, b)
		}
		bagDir := filepath.Join(out, fmt.Sprintf("H23.%d.01.VX", year))
		meta, err := os.ReadFile(filepath.Join(bagDir, "metadata", "record.json"))
		if err != nil || !strings.Contains(string(meta), "Đề án 06") {
			t.Fatalf("metadata: %v\n%s", err, meta)
		}
		pdfs, _ := filepath.Glob(filepath.Join(bagDir, "data", "documents", "*", "*.pdf"))
		if len(pdfs) != 1 {
			t.Fatalf("%d signed originals in the bag, want the directive's", len(pdfs))
		}
		report, _ := exec.Command(pdfsig, "-nocert", pdfs[0]).CombinedOutput()
		if strings.Count(string(report), "Signature is Valid") != 2 {
			t.Fatalf("the archived original lost its signatures:\n%s", report)
		}
	})

	t.Run("ArchiveExportOfAFondsYearWritesABagPerRecord", func(t *testing.T) {
		out := t.TempDir()
		year := time.Now().In(vietnamTime).AddDate(0, 0, -demoLookbackDays).Year()
		cmd := exec.Command(vanthuBinary(t), "archive", "export", "--data", data, "--out", out, "--fonds", "H23",
			"--year", fmt.Sprint(year))
		cmd.Env = cleanEnv()
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("archive export: %v\n%s", err, b)
		}
		bags, _ := filepath.Glob(filepath.Join(out, fmt.Sprintf("H23.%d.*", year), "bagit.txt"))
		if len(bags) == 0 || len(bags) != strings.Count(string(b), "exported ") {
			t.Fatalf("%d bags written for the fonds and year:\n%s", len(bags), b)
		}
		if _, err := os.Stat(filepath.Join(out, fmt.Sprintf("H23.%d.01.VX", year), "bagit.txt")); err != nil {
			t.Fatalf("the archived record is not among them: %v", err)
		}
	})

	t.Run("FixityFindsADamagedArchivedObject", func(t *testing.T) {
		fixity := func(args ...string) (string, error) {
			cmd := exec.Command(vanthuBinary(t), append([]string{"archive", "fixity", "--data", data}, args...)...)
			cmd.Env = append(cleanEnv(), replica)
			out, err := cmd.Output()
			return string(out), err
		}
		out, err := fixity()
		if err != nil || !strings.Contains(out, "0 damaged") || strings.Contains(out, " 0 archived objects") {
			t.Fatalf("fixity on an intact archive: %v\n%s", err, out)
		}
		originals, _ := filepath.Glob(filepath.Join(data, "blobs", "archive", "H23", "*", "01.VX", "*", "*"))
		var victim string
		for _, p := range originals {
			if !strings.HasSuffix(p, ".retain") {
				victim = p
				break
			}
		}
		if victim == "" {
			t.Fatal("no archived object on disk")
		}
		b, _ := os.ReadFile(victim)
		b[len(b)/2] ^= 1
		os.Chmod(victim, 0o600)
		os.WriteFile(victim, b, 0o600)
		if out, err := fixity(); err == nil || !strings.Contains(out, "DAMAGED") {
			t.Fatalf("fixity missed a flipped byte: %v\n%s", err, out)
		}
		if out, err := fixity("--repair"); err != nil || !strings.Contains(out, "REPAIRED") {
			t.Fatalf("repair from the replica: %v\n%s", err, out)
		}
		if out, err := fixity(); err != nil || !strings.Contains(out, "0 damaged") {
			t.Fatalf("after repair: %v\n%s", err, out)
		}
	})

	t.Run("SearchFindsTheDirectiveWithoutDiacritics", func(t *testing.T) {
		// "dinh danh dien tu" is only in the PDF's body text, not in its subject.
		cmd := exec.Command(vanthuBinary(t), "search", "--data", data, "--user", "vanthu.tinh", "--json", "dinh danh dien tu")
		cmd.Env = cleanEnv()
		out, err := cmd.Output()
		if err != nil || !strings.Contains(string(out), "01/CT-UBND") {
			t.Fatalf("search: %v\n%s", err, out)
		}
		cmd = exec.Command(vanthuBinary(t), "search", "--data", data, "--user", "vanthu.maichau", "--json", "so:01/CT-UBND")
		cmd.Env = cleanEnv()
		out, err = cmd.Output()
		if err != nil || !strings.Contains(string(out), "01/CT-UBND") || !strings.Contains(string(out), `"incoming"`) {
			t.Fatalf("the district finds its incoming copy: %v\n%s", err, out)
		}
	})

	t.Run("AuditVerifyAgrees", func(t *testing.T) {
		cmd := exec.Command(vanthuBinary(t), "audit", "verify", "--json", "--data", data)
		cmd.Env = cleanEnv()
		if out, err := cmd.Output(); err != nil || !strings.Contains(string(out), `"ok": true`) {
			t.Fatalf("audit verify: %v\n%s", err, out)
		}
	})
}
