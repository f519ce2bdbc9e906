package faults

import (
	"bufio"
	"context"
	"net/http"
	"sync"
	"time"
)

// sseClient keeps a live-counts stream open, moving to the next node whenever its
// stream breaks, as a browser's EventSource does.
type sseClient struct {
	c *client

	mu        sync.Mutex
	connected bool
	connects  int
	drops     int
}

func (s *sseClient) run(ctx context.Context) {
	stream := &http.Client{Jar: s.c.http.Jar} // no timeout: the stream lasts
	for ctx.Err() == nil {
		req, err := http.NewRequestWithContext(ctx, "GET", s.c.nodes[s.c.node].url+"/api/v1/events/inbox", nil)
		if err != nil {
			return
		}
		resp, err := stream.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			if resp != nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusUnauthorized {
					_ = s.c.login(ctx)
				}
			}
			s.c.node = (s.c.node + 1) % len(s.c.nodes)
			select {
			case <-ctx.Done():
			case <-time.After(500 * time.Millisecond):
			}
			continue
		}
		r := bufio.NewReader(resp.Body)
		if _, err := r.ReadString('\n'); err == nil {
			s.set(func() { s.connected = true; s.connects++ })
			for err == nil {
				_, err = r.ReadString('\n')
			}
			if ctx.Err() == nil {
				s.set(func() { s.connected = false; s.drops++ })
			}
		}
		resp.Body.Close()
		s.c.node = (s.c.node + 1) % len(s.c.nodes)
	}
}

func (s *sseClient) set(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

func (s *sseClient) state() (connected bool, connects, drops int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected, s.connects, s.drops
}
