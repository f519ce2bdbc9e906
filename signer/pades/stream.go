package pades

import (
	"bytes"
	"context"
	"crypto"
	"encoding"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"
)

// chunkSize is how much of the original file is hashed and then written at a
// time: small enough to still be in the CPU cache when it is copied out.
const chunkSize = 64 << 10

// signing is one signature (or document timestamp) over an original file:
// the original bytes are hashed once, the update is built with a gap for
// /Contents, hashed on top and written after the CMS is known.
type signing struct {
	hash crypto.Hash
	// prepare builds the update with reserve bytes for the CMS.
	prepare func(reserve int) (*preparedField, error)
	// produce makes the CMS (or timestamp token) for the digest of the byte ranges.
	produce func(ctx context.Context, digest []byte) ([]byte, error)
	reserve int
	// retry allows one more attempt with the size a too large CMS needed.
	retry bool
}

// run writes orig and the signed update to w, hashing orig on the way, and
// returns the bytes written. On error w may hold a partial file, which the
// caller must discard.
func (s *signing) run(ctx context.Context, w io.Writer, orig []byte) (int64, error) {
	p, err := s.prepare(s.reserve)
	if err != nil {
		return 0, err
	}
	if g, ok := w.(interface{ Grow(int) }); ok {
		g.Grow(int(p.size())) // a bytes.Buffer takes the final size at once
	}
	h := s.hash.New()
	written, err := hashChunks(ctx, h, w, orig)
	if err != nil {
		return written, err
	}
	p, der, err := s.sign(ctx, h, orig, p)
	if err != nil {
		return written, err
	}
	n, err := p.writeUpdate(w, der)
	return written + n, err
}

// bytes returns orig followed by the signed update, in one allocation of the
// final size that is not zeroed first (bytes.Join): a buffer cleared and then
// filled would cost one more pass over memory of the file's size.
func (s *signing) bytes(ctx context.Context, orig []byte) ([]byte, error) {
	p, err := s.prepare(s.reserve)
	if err != nil {
		return nil, err
	}
	h := s.hash.New()
	if _, err := hashChunks(ctx, h, nil, orig); err != nil {
		return nil, err
	}
	p, der, err := s.sign(ctx, h, orig, p)
	if err != nil {
		return nil, err
	}
	out := bytes.Join([][]byte{orig, p.enc.head, zeroDigits(p.enc.gap), p.enc.tail}, nil)
	p.embed(out[len(orig)+len(p.enc.head):], der)
	return out, nil
}

// zeroDigits returns n '0' characters, the padding of /Contents, without
// allocating them for every signature. The result must not be modified.
func zeroDigits(n int) []byte {
	if z := sharedZeroDigits(); n <= len(z) {
		return z[:n]
	}
	return bytes.Repeat([]byte{'0'}, n)
}

var sharedZeroDigits = sync.OnceValue(func() []byte { return bytes.Repeat([]byte{'0'}, 64<<10) })

// sign hashes the update on top of h, which has hashed orig, and makes the
// CMS; when it does not fit the reserve the update is prepared again.
func (s *signing) sign(ctx context.Context, h hash.Hash, orig []byte, p *preparedField) (*preparedField, []byte, error) {
	for attempt := 0; ; attempt++ {
		hh, err := cloneHash(s.hash, h, orig)
		if err != nil {
			return nil, nil, err
		}
		p.hashUpdate(hh)
		der, err := s.produce(ctx, hh.Sum(nil))
		if err != nil {
			return nil, nil, err
		}
		var small errContentsTooSmall
		err = p.fits(der)
		if errors.As(err, &small) && attempt == 0 && s.retry {
			if p, err = s.prepare(small.need + cmsOverhead); err != nil {
				return nil, nil, err
			}
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		return p, der, nil
	}
}

// hashChunks hashes b, writing it to w (when not nil) chunk by chunk, and
// stops when ctx ends.
func hashChunks(ctx context.Context, h hash.Hash, w io.Writer, b []byte) (int64, error) {
	var written int64
	for len(b) > 0 {
		if err := ctx.Err(); err != nil {
			return written, fmt.Errorf("pades: sign: %w", err)
		}
		c := b[:min(len(b), chunkSize)]
		h.Write(c)
		b = b[len(c):]
		if w == nil {
			continue
		}
		n, err := w.Write(c)
		written += int64(n)
		if err != nil {
			return written, fmt.Errorf("pades: write the signed PDF: %w", err)
		}
	}
	return written, nil
}

// cloneHash copies the state of h (which has hashed orig) so a retry can go
// on from the end of the original bytes instead of hashing them again.
func cloneHash(alg crypto.Hash, h hash.Hash, orig []byte) (hash.Hash, error) {
	if c, ok := h.(hash.Cloner); ok {
		hh, err := c.Clone()
		if err != nil {
			return nil, fmt.Errorf("pades: copy the hash state: %w", err)
		}
		return hh, nil
	}
	if m, ok := h.(encoding.BinaryMarshaler); ok {
		state, err := m.MarshalBinary()
		if err == nil {
			hh := alg.New()
			if u, ok := hh.(encoding.BinaryUnmarshaler); ok && u.UnmarshalBinary(state) == nil {
				return hh, nil
			}
		}
	}
	hh := alg.New()
	hh.Write(orig)
	return hh, nil
}
