package edxml

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Errors are wrapped with the path of the element at fault; test them with
// errors.Is.
var (
	// ErrMalformed: the input is not well-formed XML, or a value cannot be
	// read (bad base64, bad date, bad number).
	ErrMalformed = errors.New("malformed edXML")
	// ErrMissing: a required element is missing or empty.
	ErrMissing = errors.New("required element missing")
	// ErrLimit: the input exceeds one of the Limits.
	ErrLimit = errors.New("limit exceeded")
	// ErrDoctype: the input holds a DOCTYPE (or other <!…>) declaration.
	ErrDoctype = errors.New("DOCTYPE declarations are refused")
)

// Limits bounds what one message may cost. A zero field takes its default
// (see DefaultLimits), so Limits{} is a safe value.
type Limits struct {
	// MaxMessageBytes bounds every byte read, base64 included.
	MaxMessageBytes int64
	// MaxMarkupBytes bounds the bytes outside attachment content (headers,
	// manifest, signature, attachment metadata). The XML decoder buffers
	// these, so this is what bounds memory.
	MaxMarkupBytes int64
	// MaxAttachments bounds the number of Attachment elements.
	MaxAttachments int
	// MaxAttachmentBytes bounds the decoded size of one attachment.
	MaxAttachmentBytes int64
	// MaxDepth bounds element nesting; the root element is depth 1.
	MaxDepth int
}

// DefaultLimits fits the axis in practice: attachments of up to 100 MB,
// base64 overhead included in the message bound.
func DefaultLimits() Limits {
	return Limits{
		MaxMessageBytes:    256 << 20,
		MaxMarkupBytes:     2 << 20,
		MaxAttachments:     100,
		MaxAttachmentBytes: 100 << 20,
		MaxDepth:           32,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = d.MaxMessageBytes
	}
	if l.MaxMarkupBytes <= 0 {
		l.MaxMarkupBytes = d.MaxMarkupBytes
	}
	if l.MaxAttachments <= 0 {
		l.MaxAttachments = d.MaxAttachments
	}
	if l.MaxAttachmentBytes <= 0 {
		l.MaxAttachmentBytes = d.MaxAttachmentBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	return l
}

// source is the byte stream shared by the XML decoder and the attachment
// reader. Because it implements io.ByteReader, encoding/xml reads it one byte
// at a time without a read-ahead buffer of its own; so right after the decoder
// returns the start tag of ContentTransferEncoded, the next bytes of source
// are exactly the base64 text, and contentReader can take them without the
// decoder ever buffering them.
type source struct {
	br     *bufio.Reader
	total  int64 // every byte consumed
	markup int64 // bytes consumed through ReadByte, i.e. by the decoder
	lim    Limits
	err    error // sticky limit error, reported in preference to the decoder's
}

func newSource(r io.Reader, lim Limits) *source {
	return &source{br: bufio.NewReaderSize(r, 64<<10), lim: lim}
}

// ReadByte feeds the XML decoder and counts markup.
func (s *source) ReadByte() (byte, error) {
	if s.err != nil {
		return 0, s.err
	}
	b, err := s.br.ReadByte()
	if err != nil {
		return 0, err
	}
	s.total++
	s.markup++
	if s.total > s.lim.MaxMessageBytes {
		s.err = fmt.Errorf("message is larger than %d bytes: %w", s.lim.MaxMessageBytes, ErrLimit)
		return 0, s.err
	}
	if s.markup > s.lim.MaxMarkupBytes {
		s.err = fmt.Errorf("markup outside attachment content is larger than %d bytes: %w", s.lim.MaxMarkupBytes, ErrLimit)
		return 0, s.err
	}
	return b, nil
}

// Read exists to satisfy io.Reader; encoding/xml only calls ReadByte.
func (s *source) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	b, err := s.ReadByte()
	if err != nil {
		return 0, err
	}
	p[0] = b
	return 1, nil
}

// consume counts n bytes taken directly from br by contentReader.
func (s *source) consume(n int) error {
	if _, err := s.br.Discard(n); err != nil {
		return err
	}
	s.total += int64(n)
	if s.total > s.lim.MaxMessageBytes {
		s.err = fmt.Errorf("message is larger than %d bytes: %w", s.lim.MaxMessageBytes, ErrLimit)
		return s.err
	}
	return nil
}
