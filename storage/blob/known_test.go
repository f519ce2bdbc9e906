package blob_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/storage/blob"
)

// testKnownDigest covers PutOptions.SHA256 and Size: what a caller says it knows of the
// bytes is checked, never trusted.
func testKnownDigest(t *testing.T, newBundle func(t *testing.T) bundle) {
	ctx := context.Background()
	const prefix = "archive/H23.10/2025/HS-09"
	digestOf := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	keyOf := func(digest string) string { return path.Join(prefix, digest[:2], digest) }
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)

	t.Run("TheRightDigestIsStoredLockedUnderItsKey", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		data := []byte("Quyết định số 15/QĐ-UBND, bản gốc đã ký số")
		digest := digestOf(data)
		obj, err := s.Put(ctx, bytes.NewReader(data), blob.PutOptions{Prefix: prefix, RetainUntil: until,
			SHA256: digest, Size: int64(len(data))})
		if err != nil {
			t.Fatal(err)
		}
		if obj.Key != keyOf(digest) || obj.SHA256 != digest || obj.Size != int64(len(data)) || !obj.RetainUntil.Equal(until) {
			t.Fatalf("object = %+v", obj)
		}
		if got := readAll(t, s, obj.Key); !bytes.Equal(got, data) {
			t.Fatalf("read back %q", got)
		}
		if st, err := s.Stat(ctx, obj.Key); err != nil || !st.RetainUntil.Equal(until) {
			t.Fatalf("stat = %+v, %v", st, err)
		}
	})

	t.Run("AWrongDigestIsRefusedAndNothingIsStored", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		data := []byte("Công văn số 12/UBND-VX")
		claimed := digestOf([]byte("Công văn số 13/UBND-VX"))
		_, err := s.Put(ctx, bytes.NewReader(data), blob.PutOptions{Prefix: prefix, RetainUntil: until,
			SHA256: claimed, Size: int64(len(data))})
		if !errors.Is(err, blob.ErrIntegrity) {
			t.Fatalf("put under a wrong digest: %v, want ErrIntegrity", err)
		}
		for _, key := range []string{keyOf(claimed), keyOf(digestOf(data))} {
			if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("%s after a refused put: %v, want ErrNotFound", key, err)
			}
		}
	})

	t.Run("AWrongSizeIsRefusedAndNothingIsStored", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		data := []byte("Tờ trình số 7/TTr-VP")
		for _, size := range []int64{int64(len(data)) + 1, int64(len(data)) - 1} {
			_, err := s.Put(ctx, bytes.NewReader(data), blob.PutOptions{Prefix: prefix, RetainUntil: until,
				SHA256: digestOf(data), Size: size})
			if !errors.Is(err, blob.ErrIntegrity) {
				t.Fatalf("put of %d bytes as %d: %v, want ErrIntegrity", len(data), size, err)
			}
		}
		// Shorter input than promised must not leave a (locked) object behind; a longer one
		// can only have left the promised, matching bytes.
		if obj, err := s.Stat(ctx, keyOf(digestOf(data))); err == nil {
			if got := readAll(t, s, obj.Key); !bytes.Equal(got, data) {
				t.Fatalf("stored %q under the key of %q", got, data)
			}
		}
	})

	t.Run("ADamagedSourceIsNeverStored", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		if b.corrupt == nil {
			t.Skip("the stored bytes of this store are not reachable from the test")
		}
		data := bytes.Repeat([]byte("Biên bản bàn giao hồ sơ. "), 4000)
		src, err := b.store.Put(ctx, bytes.NewReader(data), blob.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b.corrupt(t, src.Key)
		// As the archive copies an original: through the verifying reader, with the digest
		// the key promises.
		r, err := b.store.Open(ctx, src.Key)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		_, err = b.store.Put(ctx, r, blob.PutOptions{Prefix: prefix, RetainUntil: until, SHA256: src.SHA256, Size: src.Size})
		if !errors.Is(err, blob.ErrIntegrity) {
			t.Fatalf("put from a damaged source: %v, want ErrIntegrity", err)
		}
		if _, err := b.store.Stat(ctx, keyOf(src.SHA256)); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("damaged bytes stored: %v, want ErrNotFound", err)
		}
	})

	t.Run("AStoredObjectIsNotReplacedByOtherBytes", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		data := []byte("Sổ đăng ký văn bản đi năm 2025")
		digest := digestOf(data)
		first, err := s.Put(ctx, bytes.NewReader(data), blob.PutOptions{Prefix: prefix, RetainUntil: until})
		if err != nil {
			t.Fatal(err)
		}
		later := until.Add(24 * time.Hour)
		other := []byte("Sổ đăng ký văn bản đi năm 2024")
		if _, err := s.Put(ctx, bytes.NewReader(other), blob.PutOptions{Prefix: prefix, RetainUntil: later,
			SHA256: digest, Size: int64(len(other))}); !errors.Is(err, blob.ErrIntegrity) {
			t.Fatalf("other bytes under a stored key: %v, want ErrIntegrity", err)
		}
		again, err := s.Put(ctx, bytes.NewReader(data), blob.PutOptions{Prefix: prefix, RetainUntil: later,
			SHA256: digest, Size: int64(len(data))})
		if err != nil || again.Key != first.Key || !again.RetainUntil.Equal(later) {
			t.Fatalf("same bytes again = %+v, %v; want %s locked until %v", again, err, first.Key, later)
		}
		if got := readAll(t, s, first.Key); !bytes.Equal(got, data) {
			t.Fatalf("read back %q", got)
		}
	})

	t.Run("AMalformedDigestIsRefused", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		for _, bad := range []string{"abc", strings.Repeat("Z", 64), strings.ToUpper(digestOf([]byte("x")))} {
			if _, err := s.Put(ctx, strings.NewReader("x"), blob.PutOptions{SHA256: bad}); !errors.Is(err, blob.ErrBadKey) {
				t.Errorf("digest %q: %v, want ErrBadKey", bad, err)
			}
		}
		if _, err := s.Put(ctx, strings.NewReader("x"), blob.PutOptions{Size: -1}); !errors.Is(err, blob.ErrBadKey) {
			t.Errorf("size -1: %v, want ErrBadKey", err)
		}
	})

	t.Run("ObjectsLargerThanMemoryAreCheckedToo", func(t *testing.T) {
		t.Parallel()
		s := newBundle(t).store
		data := make([]byte, 17<<20+321) // above the in-memory limit and the part size
		_, _ = rand.Read(data)
		digest := digestOf(data)
		if _, err := s.Put(ctx, bytes.NewReader(data), blob.PutOptions{Prefix: prefix,
			SHA256: digestOf(data[1:]), Size: int64(len(data))}); !errors.Is(err, blob.ErrIntegrity) {
			t.Fatalf("large put under a wrong digest: %v, want ErrIntegrity", err)
		}
		obj, err := s.Put(ctx, bytes.NewReader(data), blob.PutOptions{Prefix: prefix, SHA256: digest, Size: int64(len(data))})
		if err != nil || obj.Key != keyOf(digest) {
			t.Fatalf("large put = %+v, %v", obj, err)
		}
		if got := readAll(t, s, obj.Key); !bytes.Equal(got, data) {
			t.Fatalf("large object read back wrong (%d bytes)", len(got))
		}
	})
}
