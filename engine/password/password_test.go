package password

import (
	"errors"
	"strings"
	"testing"
)

var fast = Params{Memory: 1024, Time: 1, Threads: 1}

func TestHashAndCheck(t *testing.T) {
	t.Parallel()
	h, err := Hash("Mật khẩu 2025!", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string", h)
	}
	t.Run("AcceptsTheRightPassword", func(t *testing.T) {
		if err := Check("Mật khẩu 2025!", h); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("RejectsAWrongPassword", func(t *testing.T) {
		if err := Check("mật khẩu 2025!", h); !errors.Is(err, ErrMismatch) {
			t.Fatalf("got %v, want ErrMismatch", err)
		}
	})
	t.Run("SaltsEachHash", func(t *testing.T) {
		h2, _ := Hash("Mật khẩu 2025!", fast)
		if h2 == h {
			t.Fatal("two hashes of one password are equal")
		}
	})
	t.Run("RejectsMalformedHashes", func(t *testing.T) {
		for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", strings.Replace(h, "m=1024", "m=999999999", 1)} {
			if err := Check("x", bad); err == nil || errors.Is(err, ErrMismatch) {
				t.Errorf("Check(%q) = %v, want a format error", bad, err)
			}
		}
	})
}
