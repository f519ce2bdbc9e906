package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/vanthu/vanthu/storage/testenv"
)

// TestS3PutPaths checks both ways the S3 store takes a Put with a known digest: streamed,
// relying on the server's checksum check, and buffered, hashing the bytes first. The
// test server (versitygw) checks checksums, so the probe must find that, or the
// streaming path would go untested.
func TestS3PutPaths(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := testenv.S3Server(t)
	for _, streamed := range []bool{true, false} {
		s, err := NewS3(S3Config{Endpoint: env.Endpoint, Bucket: env.Bucket, AccessKey: env.AccessKey, SecretKey: env.SecretKey})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ensureBucket(ctx); err != nil {
			testenv.Unavailable(t, "S3 server", err)
		}
		if !s.serverChecksums {
			t.Fatal("the probe found that the server does not check x-amz-checksum-sha256")
		}
		s.serverChecksums = streamed
		data := []byte("Quyết định phê duyệt danh mục hồ sơ năm 2025, streamed=" + map[bool]string{true: "yes", false: "no"}[streamed])
		sum := sha256.Sum256(data)
		digest := hex.EncodeToString(sum[:])
		wrong := sha256.Sum256(append(data, '.'))
		opts := PutOptions{Prefix: "archive/H23/2025/HS-03", RetainUntil: time.Now().Add(time.Hour), Size: int64(len(data))}
		opts.SHA256 = hex.EncodeToString(wrong[:])
		if _, err := s.Put(ctx, bytes.NewReader(data), opts); !errors.Is(err, ErrIntegrity) {
			t.Fatalf("streamed=%v: wrong digest: %v, want ErrIntegrity", streamed, err)
		}
		if _, err := s.Stat(ctx, "archive/H23/2025/HS-03/"+opts.SHA256[:2]+"/"+opts.SHA256); !errors.Is(err, ErrNotFound) {
			t.Fatalf("streamed=%v: stored under the wrong digest: %v", streamed, err)
		}
		opts.SHA256 = digest
		obj, err := s.Put(ctx, bytes.NewReader(data), opts)
		if err != nil || obj.SHA256 != digest {
			t.Fatalf("streamed=%v: put = %+v, %v", streamed, obj, err)
		}
		if err := Verify(ctx, s, obj.Key); err != nil {
			t.Fatalf("streamed=%v: %v", streamed, err)
		}
	}
}
