package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vanthu/vanthu/service/axis"
	"github.com/vanthu/vanthu/service/axis/emulator"
)

// axisProcess is a running `vanthu axis serve`.
type axisProcess struct {
	cmd  *exec.Cmd
	done chan error
}

func startAxis(t *testing.T, addr, dir string, env []string) *axisProcess {
	t.Helper()
	cmd := exec.Command(vanthuBinary(t), "axis", "serve", "--addr", addr, "--dir", dir)
	cmd.Env = append(cleanEnv(), env...)
	var stderr syncBuffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &axisProcess{cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-p.done:
			t.Fatalf("axis serve exited: %v\n%s", err, stderr.String())
		default:
		}
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return p
		}
	}
	t.Fatalf("axis serve did not answer within 30 s\n%s", stderr.String())
	return nil
}

// axisBody is the edXML sent under key: big enough that a kill often lands mid-upload.
func axisBody(key string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">` +
		`<edXML:DocumentId>` + key + `</edXML:DocumentId>` + strings.Repeat("<edXML:Pad>Công văn</edXML:Pad>", 4000) + `</edXML:edXMLEnvelope>`)
}

// TestAxisEmulatorSurvivesKill9 sends packages with retries (as the exchange jobs do,
// with the same key) while a receiver fetches and acknowledges them, kills the emulator
// with kill -9 mid-load and starts it again on the same directory: every acknowledged
// send is there once, every acknowledgement holds, every body is whole.
func TestAxisEmulatorSurvivesKill9(t *testing.T) {
	t.Parallel()
	addr, dir := freeAddr(t), t.TempDir()
	env := []string{"VANTHU_AXIS_DEMO_SECRET=demo-secret-0123", "VANTHU_AXIS_PEER_SECRET=peer-secret-0123", "VANTHU_LOG_LEVEL=warn"}
	proc := startAxis(t, addr, dir, env)
	url := "http://" + addr
	sender, err := axis.NewClient(url, emulator.DemoSystem, "demo-secret-0123")
	if err != nil {
		t.Fatal(err)
	}
	receiver, _ := axis.NewClient(url, emulator.PeerSystem, "peer-secret-0123")
	recipients := []string{"000.00.00.G07", "000.00.00.H26"}

	const sends = 60
	var mu sync.Mutex
	acked := map[string][]axis.Package{} // key → what the axis answered
	doneIDs := map[string]bool{}         // packages the receiver acknowledged done
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	retry := func(what string, fn func() error) {
		for {
			err := fn()
			if err == nil {
				return
			}
			if !errors.Is(err, axis.ErrUnavailable) || ctx.Err() != nil {
				t.Errorf("%s: %v", what, err)
				cancel()
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	var wg sync.WaitGroup
	sendersDone := make(chan struct{})
	wg.Go(func() {
		defer close(sendersDone)
		for i := range sends {
			key := fmt.Sprintf("000.00.00.H23,2026/%03d", i)
			body := axisBody(key)
			retry("send "+key, func() error {
				pkgs, err := sender.Send(ctx, axis.Outgoing{Type: axis.TypeDocument, From: "000.00.00.H23", To: recipients,
					Key: key, Body: bytes.NewReader(body), Size: int64(len(body))})
				if err == nil {
					mu.Lock()
					acked[key] = pkgs
					mu.Unlock()
				}
				return err
			})
		}
	})
	wg.Go(func() {
		for ctx.Err() == nil {
			var inbox []axis.Package
			retry("received", func() (err error) { inbox, err = receiver.Received(ctx); return err })
			select {
			case <-sendersDone:
				if len(inbox) == 0 {
					return
				}
			default:
			}
			for _, p := range inbox {
				retry("fetch "+p.ID, func() error {
					rc, err := receiver.Fetch(ctx, p.ID)
					if err != nil {
						return err
					}
					defer rc.Close()
					got, err := io.ReadAll(rc)
					if err != nil {
						return err
					}
					if !bytes.Contains(got, []byte("</edXML:edXMLEnvelope>")) || int64(len(got)) != p.Size {
						t.Errorf("package %s: fetched %d bytes, not whole (%d)", p.ID, len(got), p.Size)
					}
					return nil
				})
				retry("acknowledge "+p.ID, func() error { return receiver.Acknowledge(ctx, p.ID, axis.StateDone, "") })
				mu.Lock()
				doneIDs[p.ID] = true
				mu.Unlock()
			}
			time.Sleep(10 * time.Millisecond)
		}
	})

	// Kill -9 twice while both sides are busy, each time starting again on the same dir.
	for round, after := range []int{15, 35} {
		for {
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if n >= after || ctx.Err() != nil {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if err := proc.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-proc.done
		time.Sleep(200 * time.Millisecond)
		proc = startAxis(t, addr, dir, env)
		t.Logf("restart %d after %d acknowledged sends", round+1, after)
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	all, err := sender.Sent(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]map[string]axis.Package{}
	for _, p := range all {
		if byKey[p.Key] == nil {
			byKey[p.Key] = map[string]axis.Package{}
		}
		if prev, dup := byKey[p.Key][p.To]; dup {
			t.Errorf("key %s to %s stored twice: %s and %s", p.Key, p.To, prev.ID, p.ID)
		}
		byKey[p.Key][p.To] = p
	}
	if len(acked) != sends || len(all) != sends*len(recipients) {
		t.Fatalf("%d sends acknowledged, %d packages listed; want %d and %d", len(acked), len(all), sends, sends*len(recipients))
	}
	for key, pkgs := range acked {
		for _, p := range pkgs {
			listed, ok := byKey[key][p.To]
			if !ok || listed.ID != p.ID {
				t.Errorf("acknowledged send %s to %s (%s) lost: listed %+v", key, p.To, p.ID, listed)
			}
		}
	}
	for _, p := range all {
		if !doneIDs[p.ID] || p.State != axis.StateDone {
			t.Errorf("package %s (%s to %s) is %s; received and acknowledged: %v", p.ID, p.Key, p.To, p.State, doneIDs[p.ID])
		}
	}
	_ = proc.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-proc.done:
		if err != nil {
			t.Errorf("axis serve after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Error("axis serve did not stop within 30 s of SIGTERM")
	}
}

func TestAxisCommandLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		code int
		want string
		env  []string
	}{
		{[]string{"axis", "-h"}, 0, "vanthu axis serve", nil},
		{[]string{"axis", "serve", "-h"}, 0, "-systems", nil},
		{[]string{"axis"}, 2, "usage: vanthu axis", nil},
		{[]string{"axis", "fly"}, 2, `unknown axis command "fly"`, nil},
		{[]string{"axis", "serve", "--max-body", "0"}, 2, "--max-body", nil},
		{[]string{"axis", "serve", "--systems", "/nonexistent/systems.json"}, 1, "VANTHU_AXIS_SYSTEMS (--systems)", nil},
		{[]string{"axis", "agencies"}, 1, "VANTHU_AXIS_SYSTEM (--system): required", nil},
		{[]string{"axis", "serve", "--addr", "127.0.0.1:0", "--dir", t.TempDir()}, 1, "VANTHU_AXIS_DEMO_SECRET: the secret of vanthu-demo is shorter",
			[]string{"VANTHU_AXIS_DEMO_SECRET=short"}},
		{[]string{"axis", "serve", "--addr", "127.0.0.1:0", "--dir", t.TempDir(), "--max-body", "-5"}, 2, "--max-body", nil},
		{[]string{"axis", "agencies", "--system", "x", "--url", "http://" + freeAddr(t)}, 1, "unavailable", nil},
	} {
		cmd := exec.Command(vanthuBinary(t), tc.args...)
		cmd.Env = append(cleanEnv(), tc.env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		}
		if code != tc.code || !strings.Contains(out.String(), tc.want) {
			t.Errorf("vanthu %s: exit %d, output %q; want exit %d and %q", strings.Join(tc.args, " "), code, out.String(), tc.code, tc.want)
		}
		if tc.code == 1 && strings.Count(strings.TrimSpace(out.String()), "\n") != 0 {
			t.Errorf("vanthu %s: more than one line: %q", strings.Join(tc.args, " "), out.String())
		}
	}
}
