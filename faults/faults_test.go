package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// figures are what the suite prints in one line; those in mustBeZero fail it.
type figures struct {
	acknowledged, documents                                int
	lost, missingFiles, gaps, duplicates, orphans, corrupt int
	non503, replay4xx, stuck, auditBroken                  int
	loginFails, sseDown, sseReconnects                     int
	periodicRuns, periodicDupes, periodicPauses            int
	status503, gaveUp, unexpected4xx, wrongHash            int
	maxReady                                               time.Duration
	kills, pgOutages, s3Outages                            int
	disk                                                   string
}

func (f figures) String() string {
	return fmt.Sprintf("faults: acknowledged=%d documents=%d lost=%d missing_files=%d corrupt=%d gaps=%d duplicates=%d orphans=%d "+
		"non503_5xx=%d replay_4xx=%d stuck=%d audit_broken=%d login_failures=%d sse_down=%d wrong_hash=%d periodic_dupes=%d "+
		"max_ready_s=%.1f kills=%d pg_outages=%d s3_outages=%d disk_full=%s | 503s=%d gave_up=%d other_4xx=%d sse_reconnects=%d "+
		"periodic_runs=%d periodic_pauses=%d",
		f.acknowledged, f.documents, f.lost, f.missingFiles, f.corrupt, f.gaps, f.duplicates, f.orphans,
		f.non503, f.replay4xx, f.stuck, f.auditBroken, f.loginFails, f.sseDown, f.wrongHash, f.periodicDupes,
		f.maxReady.Seconds(), f.kills, f.pgOutages, f.s3Outages, f.disk, f.status503, f.gaveUp, f.unexpected4xx, f.sseReconnects,
		f.periodicRuns, f.periodicPauses)
}

// failures names the figures that must be 0 and are not.
func (f figures) failures() []string {
	var out []string
	for name, v := range map[string]int{"lost": f.lost, "missing_files": f.missingFiles, "corrupt": f.corrupt, "gaps": f.gaps,
		"duplicates": f.duplicates, "orphans": f.orphans, "non503_5xx": f.non503, "replay_4xx": f.replay4xx, "stuck": f.stuck,
		"audit_broken": f.auditBroken, "login_failures": f.loginFails, "sse_down": f.sseDown, "wrong_hash": f.wrongHash,
		"periodic_dupes": f.periodicDupes} {
		if v != 0 {
			out = append(out, fmt.Sprintf("%s=%d", name, v))
		}
	}
	if f.maxReady > 5*time.Second {
		out = append(out, fmt.Sprintf("max_ready_s=%.1f (over 5)", f.maxReady.Seconds()))
	}
	return out
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// The suite's size: kills of a node, and how long PostgreSQL and S3 stay down.
var (
	kills  = envInt("VANTHU_FAULTS_KILLS", 10)
	outage = time.Duration(envInt("VANTHU_FAULTS_OUTAGE_S", 15)) * time.Second
)

// The demo agencies the load runs in: a clerk each receiving scans, and four agencies
// drafting, signing and issuing.
var (
	clerkAgencies    = []string{"snv", "stc", "skhdt", "stttt", "caophong", "phuonglam", "thinhlang", "dongbang"}
	pipelineAgencies = []string{"tinh", "tphoabinh", "maichau", "luongson"}
)

func TestFaults(t *testing.T) {
	if os.Getenv("VANTHU_FAULTS") != "1" {
		t.Skip("the fault-injection suite runs with VANTHU_FAULTS=1 (make faults)")
	}
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 14*time.Minute)
	defer cancel()
	c := newCluster(t)
	c.startNodes(ctx, 3)
	t.Logf("cluster up in %s: PostgreSQL :%d, S3 :%d, nodes %s %s %s", time.Since(began).Round(time.Second), c.pgPort, c.s3Port,
		c.nodes[0].addr, c.nodes[1].addr, c.nodes[2].addr)

	var f figures
	tl := &tally{}
	l := &ledger{}
	run := strconv.FormatInt(time.Now().Unix(), 36)
	load, stopLoad := context.WithCancel(ctx)
	var wg sync.WaitGroup
	clients := map[string]*client{}
	login := func(user string, first int) *client {
		cl := newClient(user, c.password, c.nodes, first, tl)
		if err := cl.login(ctx); err != nil {
			t.Fatal(err)
		}
		clients[user] = cl
		return cl
	}
	for i, a := range clerkAgencies {
		cl := login("vanthu."+a, i)
		wg.Go(func() { clerkLoop(load, ctx, cl, run, l) })
	}
	for i, a := range pipelineAgencies {
		p := &pipeline{specialist: login("chuyenvien."+a, i), leader: login("lanhdao."+a, i+1), clerk: login("vanthu."+a, i+2),
			agency: a, pin: c.password}
		wg.Go(func() { p.loop(load, ctx, run, l) })
	}
	streamCtx, stopStreams := context.WithCancel(ctx)
	var streams []*sseClient
	for i := range 3 {
		s := &sseClient{c: newClient("truongphong."+pipelineAgencies[i], c.password, c.nodes, i, tl)}
		if err := s.c.login(ctx); err != nil {
			t.Fatal(err)
		}
		streams = append(streams, s)
		wg.Go(func() { s.run(streamCtx) })
	}

	f.maxReady = c.chaos(ctx, t, &f, tl)
	time.Sleep(10 * time.Second) // calm: the load goes on after the last fault
	stopLoad()
	t.Logf("load stopping after %s", time.Since(began).Round(time.Second))
	deadline := time.Now().Add(15 * time.Second)
	for _, s := range streams {
		for {
			if up, _, _ := s.state(); up || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		up, connects, _ := s.state()
		if !up {
			f.sseDown++
		}
		f.sseReconnects += max(connects-1, 0)
	}
	stopStreams()
	wg.Wait()
	if _, err := waitReady(ctx, c.nodes, 30*time.Second); err != nil {
		t.Fatal(err)
	}

	tl.mu.Lock()
	f.acknowledged, f.non503, f.replay4xx, f.status503 = tl.acked, len(tl.non503), len(tl.replay4xx), tl.status503
	f.gaveUp, f.unexpected4xx, f.wrongHash, f.loginFails = tl.gaveUp, len(tl.unexpected), len(tl.wrongHash), len(tl.loginFails)
	for _, list := range [][]string{tl.non503, tl.replay4xx, tl.unexpected, tl.wrongHash, tl.loginFails} {
		for i, line := range list {
			if i < 10 {
				t.Log(line)
			}
		}
	}
	tl.mu.Unlock()

	acks := l.all()
	f.documents = len(acks)
	checkAcknowledged(ctx, t, clients, acks, &f)
	checkStores(ctx, t, c, c.env(), &f)
	checkPeriodic(ctx, t, c, &f)
	t.Logf("checked after %s", time.Since(began).Round(time.Second))

	f.disk = diskFull(ctx, t, c, &f)
	fmt.Println(f)
	t.Logf("done in %s", time.Since(began).Round(time.Second))
	if bad := f.failures(); len(bad) > 0 {
		c.logInternalErrors(t)
		t.Errorf("figures that must be 0: %s", strings.Join(bad, " "))
	}
}

// logInternalErrors shows what the nodes logged for their 500s: the cause the client
// never sees.
func (c *cluster) logInternalErrors(t *testing.T) {
	for _, nd := range c.nodes {
		body, err := os.ReadFile(nd.log.Name())
		if err != nil {
			continue
		}
		n := 0
		for _, line := range strings.Split(string(body), "\n") {
			if strings.Contains(line, `msg="internal error"`) && n < 10 {
				t.Logf("node %d: %s", nd.idx, line)
				n++
			}
		}
	}
}

// chaos kills nodes at random moments and restarts them, and in between stops
// PostgreSQL and S3; it returns the longest wait for /readyz after a recovery.
func (c *cluster) chaos(ctx context.Context, t *testing.T, f *figures, tl *tally) time.Duration {
	var worst time.Duration
	note := func(what string, d time.Duration, err error) {
		if err != nil {
			t.Errorf("%s: %v", what, err)
			d = time.Minute
		}
		t.Logf("%s: ready after %s", what, d.Round(10*time.Millisecond))
		worst = max(worst, d)
	}
	pause := func(lo, hi time.Duration) {
		select {
		case <-ctx.Done():
		case <-time.After(lo + rand.N(hi-lo)):
		}
	}
	for k := range kills {
		pause(4*time.Second, 12*time.Second)
		victim := c.nodes[rand.N(len(c.nodes))]
		victim.kill()
		f.kills++
		// Someone logs in meanwhile: another node answers.
		other := c.nodes[(victim.idx+1)%len(c.nodes)]
		cl := newClient("vanthu.tinh", c.password, []*node{other}, 0, &tally{})
		cl.deadline = 5 * time.Second
		if err := cl.login(ctx); err != nil {
			tl.add(func(t *tally) { t.loginFails = append(t.loginFails, err.Error()) })
		}
		pause(500*time.Millisecond, 2*time.Second)
		if err := c.startNode(victim); err != nil {
			t.Fatal(err)
		}
		d, err := waitReady(ctx, []*node{victim}, 60*time.Second)
		note(fmt.Sprintf("kill %d of node %d", k+1, victim.idx), d, err)

		switch k {
		case kills / 3:
			must(t, c.pgCrash(ctx))
			f.pgOutages++
			pause(outage, outage+time.Second)
			must(t, c.pgStart(ctx))
			d, err := waitReady(ctx, c.nodes, 60*time.Second)
			note("PostgreSQL restart", d, err)
		case 2 * kills / 3:
			c.s3.kill()
			f.s3Outages++
			pause(outage, outage+time.Second)
			must(t, c.s3Start())
			d, err := waitReady(ctx, c.nodes, 60*time.Second)
			note("S3 restart", d, err)
		}
	}
	return worst
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
