package font

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"sync"
	"testing"
)

// Deflate reuses compressors from a pool: each result must still be a
// complete zlib stream of its own input, whatever ran before it or beside it.
func TestDeflateWithPooledCompressorsKeepsStreamsApart(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				in := bytes.Repeat([]byte(fmt.Sprintf("stream %d.%d ", g, i)), 50*(i+1))
				out, err := Deflate(in)
				if err != nil {
					errs <- err
					return
				}
				r, err := zlib.NewReader(bytes.NewReader(out))
				if err != nil {
					errs <- fmt.Errorf("stream %d.%d: %w", g, i, err)
					return
				}
				got, err := io.ReadAll(r)
				if err != nil || !bytes.Equal(got, in) {
					errs <- fmt.Errorf("stream %d.%d inflates to %d bytes (%v), want its %d", g, i, len(got), err, len(in))
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
