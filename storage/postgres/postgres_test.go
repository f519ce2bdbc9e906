package postgres_test

import (
	"context"
	"testing"

	"github.com/vanthu/vanthu/storage/postgres"
	"github.com/vanthu/vanthu/storage/storetest"
	"github.com/vanthu/vanthu/storage/testenv"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) func() storetest.Store {
		url := testenv.PostgresURL(t)
		return func() storetest.Store {
			s, err := postgres.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	})
}

func TestOpenRefusesAnUnreachableServer(t *testing.T) {
	t.Parallel()
	_, err := postgres.Open(context.Background(), "postgres://nobody@127.0.0.1:1/x?connect_timeout=2")
	if err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
}
