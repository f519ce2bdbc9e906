package faults

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// cluster is what the suite runs and breaks: a private PostgreSQL, a versitygw S3
// server, and three vanthu nodes on both, all on loopback ports of their own.
type cluster struct {
	t        *testing.T
	dir      string // everything the suite writes
	bin      string // the vanthu binary, built once
	password string // the demo users' password and signing PIN

	pgBin, pgDir string
	pgPort       int

	s3Dir, s3Key, s3Secret string
	s3Port                 int
	s3                     *process

	nodes []*node
}

// process is a child the suite started and may kill.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func start(cmd *exec.Cmd) (*process, error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p, nil
}

// kill is kill -9, then waiting for the process to be gone.
func (p *process) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// node is one `vanthu serve`.
type node struct {
	idx  int
	addr string
	url  string
	env  []string
	log  *os.File
	mu   sync.Mutex
	proc *process
}

// newCluster provisions everything but the nodes.
func newCluster(t *testing.T) *cluster {
	t.Helper()
	dir, err := os.MkdirTemp("", "vanthu-faults-")
	if err != nil {
		t.Fatal(err)
	}
	// PostgreSQL runs as its own user, which must reach its directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, dir: dir, password: "faults-" + strconv.FormatInt(time.Now().UnixNano()%1e6, 10)}
	t.Cleanup(c.cleanup)
	c.build()
	c.startPostgres()
	c.startS3()
	return c
}

func (c *cluster) cleanup() {
	for _, n := range c.nodes {
		n.stop()
	}
	if c.s3 != nil {
		c.s3.kill()
	}
	if c.pgDir != "" {
		_ = c.asPostgres(context.Background(), fmt.Sprintf("%s/pg_ctl -D %s -m fast -w stop", c.pgBin, c.pgDir))
	}
	if os.Getenv("VANTHU_FAULTS_KEEP") == "" {
		os.RemoveAll(c.dir)
	} else {
		c.t.Logf("kept %s", c.dir)
	}
}

func (c *cluster) build() {
	c.t.Helper()
	c.bin = filepath.Join(c.dir, "vanthu")
	out, err := exec.Command("go", "build", "-o", c.bin, "github.com/vanthu/vanthu/cmd/vanthu").CombinedOutput()
	if err != nil {
		c.t.Fatalf("go build: %v\n%s", err, out)
	}
}

// freePort asks the kernel for a loopback port nobody uses.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func listening(port int) bool {
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// asPostgres runs a shell command as the postgres user when the suite runs as root
// (initdb refuses root), else as itself.
func (c *cluster) asPostgres(ctx context.Context, command string) error {
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	if os.Geteuid() == 0 {
		cmd = exec.CommandContext(ctx, "su", "postgres", "-s", "/bin/sh", "-c", command)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w\n%s", command, err, out)
	}
	return nil
}

func (c *cluster) startPostgres() {
	c.t.Helper()
	initdbs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(initdbs) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			initdbs = []string{p}
		}
	}
	if len(initdbs) == 0 {
		c.t.Skip("faults: no initdb (install postgresql)")
	}
	c.pgBin = filepath.Dir(initdbs[len(initdbs)-1])
	c.pgDir = filepath.Join(c.dir, "pg")
	if err := os.Mkdir(c.pgDir, 0o700); err != nil {
		c.t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			c.t.Skipf("faults: running as root without a postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(c.pgDir, uid, gid); err != nil {
			c.t.Fatal(err)
		}
	}
	c.pgPort = freePort(c.t)
	ctx := context.Background()
	if err := c.asPostgres(ctx, fmt.Sprintf("%s/initdb -D %s -A trust -U postgres >/dev/null", c.pgBin, c.pgDir)); err != nil {
		c.t.Fatal(err)
	}
	if err := c.pgStart(ctx); err != nil {
		c.t.Fatal(err)
	}
}

func (c *cluster) pgStart(ctx context.Context) error {
	return c.asPostgres(ctx, fmt.Sprintf("%s/pg_ctl -D %s -o '-p %d -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200' -l %s/log -w start >/dev/null",
		c.pgBin, c.pgDir, c.pgPort, c.pgDir))
}

// pgCrash is PostgreSQL stopped the hard way: no checkpoint, every connection cut.
func (c *cluster) pgCrash(ctx context.Context) error {
	return c.asPostgres(ctx, fmt.Sprintf("%s/pg_ctl -D %s -m immediate -w stop >/dev/null", c.pgBin, c.pgDir))
}

func (c *cluster) databaseURL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.pgPort)
}

func (c *cluster) startS3() {
	c.t.Helper()
	gw := filepath.Join(goPath(c.t), "bin", "versitygw")
	if _, err := os.Stat(gw); err != nil {
		out, err := exec.Command("go", "install", "github.com/versity/versitygw/cmd/versitygw@v1.8.0").CombinedOutput()
		if err != nil {
			c.t.Skipf("faults: no versitygw and go install failed: %v\n%s", err, out)
		}
	}
	c.s3Dir = filepath.Join(c.dir, "s3")
	for _, d := range []string{"data", "versions"} {
		if err := os.MkdirAll(filepath.Join(c.s3Dir, d), 0o755); err != nil {
			c.t.Fatal(err)
		}
	}
	c.s3Port, c.s3Key, c.s3Secret = freePort(c.t), "vanthu-faults", fmt.Sprintf("s%x", time.Now().UnixNano())
	if err := c.s3Start(); err != nil {
		c.t.Fatal(err)
	}
}

func (c *cluster) s3Start() error {
	gw := filepath.Join(goPath(c.t), "bin", "versitygw")
	cmd := exec.Command(gw, "--port", fmt.Sprintf("127.0.0.1:%d", c.s3Port), "posix",
		"--versioning-dir", filepath.Join(c.s3Dir, "versions"), filepath.Join(c.s3Dir, "data"))
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+c.s3Key, "ROOT_SECRET_KEY="+c.s3Secret)
	logf, err := os.OpenFile(filepath.Join(c.s3Dir, "log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	p, err := start(cmd)
	if err != nil {
		return fmt.Errorf("versitygw: %w", err)
	}
	c.s3 = p
	for range 100 {
		if listening(c.s3Port) {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("versitygw did not start (see " + c.s3Dir + "/log)")
}

func goPath(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// env is what every vanthu command of the cluster runs with.
func (c *cluster) env() []string {
	return append(os.Environ(),
		"VANTHU_DATA="+filepath.Join(c.dir, "data"),
		"VANTHU_DATABASE_URL="+c.databaseURL(),
		fmt.Sprintf("VANTHU_BLOB_URL=s3://faults?endpoint=127.0.0.1:%d&secure=false&region=us-east-1", c.s3Port),
		"VANTHU_S3_ACCESS_KEY="+c.s3Key, "VANTHU_S3_SECRET_KEY="+c.s3Secret,
		"VANTHU_DEMO_PASSWORD="+c.password,
		"VANTHU_REMINDER_INTERVAL="+reminderEvery.String(),
		"VANTHU_LOG_FORMAT=text", "VANTHU_LOG_LEVEL=warn")
}

// vanthu runs a command of the binary to its end, with its output.
func (c *cluster) vanthu(ctx context.Context, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = env
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("vanthu %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), err
}

// startNodes seeds the database and starts n nodes.
func (c *cluster) startNodes(ctx context.Context, n int) {
	c.t.Helper()
	if out, err := c.vanthu(ctx, c.env(), "seed"); err != nil {
		c.t.Fatalf("%v\n%s", err, out)
	}
	for i := range n {
		port := freePort(c.t)
		nd := &node{idx: i, addr: fmt.Sprintf("127.0.0.1:%d", port), url: fmt.Sprintf("http://127.0.0.1:%d", port),
			env: c.env()}
		c.nodes = append(c.nodes, nd)
		if err := c.startNode(nd); err != nil {
			c.t.Fatal(err)
		}
	}
	for _, nd := range c.nodes {
		if _, err := waitReady(ctx, []*node{nd}, 60*time.Second); err != nil {
			c.t.Fatalf("node %d: %v", nd.idx, err)
		}
	}
}

func (c *cluster) startNode(nd *node) error {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.log == nil {
		f, err := os.Create(filepath.Join(c.dir, fmt.Sprintf("node%d.log", nd.idx)))
		if err != nil {
			return err
		}
		nd.log = f
	}
	cmd := exec.Command(c.bin, "serve", "--addr", nd.addr)
	cmd.Env = nd.env
	cmd.Stdout, cmd.Stderr = nd.log, nd.log
	p, err := start(cmd)
	if err != nil {
		return fmt.Errorf("node %d: %w", nd.idx, err)
	}
	nd.proc = p
	return nil
}

// kill is kill -9 of the node.
func (nd *node) kill() {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.proc != nil {
		nd.proc.kill()
		nd.proc = nil
	}
}

func (nd *node) stop() {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.proc != nil {
		_ = nd.proc.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-nd.proc.done:
		case <-time.After(15 * time.Second):
			nd.proc.kill()
		}
		nd.proc = nil
	}
}

// waitReady polls /readyz of every node until all answer 200, and returns how long it took.
func waitReady(ctx context.Context, nodes []*node, limit time.Duration) (time.Duration, error) {
	began := time.Now()
	client := &http.Client{Timeout: 2 * time.Second}
	for _, nd := range nodes {
		for {
			if ready(ctx, client, nd) {
				break
			}
			if time.Since(began) > limit {
				return time.Since(began), fmt.Errorf("node %d not ready after %s", nd.idx, limit)
			}
			select {
			case <-ctx.Done():
				return time.Since(began), ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return time.Since(began), nil
}

func ready(ctx context.Context, client *http.Client, nd *node) bool {
	req, err := http.NewRequestWithContext(ctx, "GET", nd.url+"/readyz", nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
