package edxml

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"hash"
	"io"
)

// attachment reads one Attachment element. Its metadata must come before
// ContentTransferEncoded (as every sender writes it) because the sink is
// called with the name and content type while the content streams.
func (p *parser) attachment(start xml.StartElement, m *Message, parent string, sink AttachmentSink) error {
	if len(m.Attachments) >= p.lim.MaxAttachments {
		return fmt.Errorf("edxml: %s/Attachment: more than %d attachments: %w", parent, p.lim.MaxAttachments, ErrLimit)
	}
	path := fmt.Sprintf("%s/Attachment[%d]", parent, len(m.Attachments)+1)
	var info AttachmentInfo
	seenContent := false
	for {
		tok, err := p.next()
		if err != nil {
			return fmt.Errorf("edxml: %s: %w", path, eofIsUnexpected(err))
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if !seenContent {
				return fmt.Errorf("edxml: %s/ContentTransferEncoded: %w", path, ErrMissing)
			}
			m.Attachments = append(m.Attachments, info)
			return nil
		case xml.StartElement:
			if t.Name.Local == "ContentTransferEncoded" {
				if seenContent {
					return fmt.Errorf("edxml: %s/ContentTransferEncoded: appears twice: %w", path, ErrMalformed)
				}
				if info.Name == "" {
					return fmt.Errorf("edxml: %s/AttachmentName: must come before ContentTransferEncoded: %w", path, ErrMissing)
				}
				if err := p.content(&info, path+"/ContentTransferEncoded", sink); err != nil {
					return err
				}
				seenContent = true
				continue
			}
			n, err := p.readNode(t, path)
			if err != nil {
				return err
			}
			switch n.name {
			case "ContentId":
				info.ContentID = n.text
			case "AttachmentName":
				info.Name = n.text
			case "Description":
				info.Description = n.text
			case "ContentType":
				info.ContentType = n.text
			}
		}
	}
}

// content streams the base64 text of ContentTransferEncoded through the
// sink. The decoder has just returned the start tag, so the source is
// positioned on the first byte of the text (see source).
func (p *parser) content(info *AttachmentInfo, path string, sink AttachmentSink) error {
	text := &contentReader{src: p.src}
	body := &attachmentReader{r: &base64Reader{src: text}, max: p.lim.MaxAttachmentBytes, hash: sha256.New()}
	if sink != nil {
		if err := sink(info.Name, info.ContentType, body); err != nil {
			if body.err != nil {
				return p.contentError(path, info.Name, text, body)
			}
			return fmt.Errorf("edxml: %s: attachment %q: %w", path, info.Name, err)
		}
	}
	// Read what the sink left so that the whole content is checked and the
	// decoder resumes at the closing tag.
	if _, err := io.Copy(io.Discard, body); err != nil || body.err != nil {
		return p.contentError(path, info.Name, text, body)
	}
	info.Size = body.n
	body.hash.Sum(info.SHA256[:0])
	tok, err := p.next()
	if err != nil {
		return fmt.Errorf("edxml: %s: %w", path, eofIsUnexpected(err))
	}
	if _, ok := tok.(xml.EndElement); !ok {
		return fmt.Errorf("edxml: %s: holds markup, want only base64 text: %w", path, ErrMalformed)
	}
	return nil
}

// contentError names what went wrong, most specific first: the raw text
// (input ended, odd reference, message limit), the size limit, then base64.
func (p *parser) contentError(path, name string, text *contentReader, body *attachmentReader) error {
	switch {
	case text.err != nil:
		return fmt.Errorf("edxml: %s: attachment %q: %w", path, name, text.err)
	case errors.Is(body.err, ErrLimit):
		return fmt.Errorf("edxml: %s: attachment %q: %w", path, name, body.err)
	default:
		return fmt.Errorf("edxml: %s: attachment %q: bad base64: %v: %w", path, name, body.err, ErrMalformed)
	}
}

// attachmentReader counts, bounds and hashes the decoded bytes, and keeps
// the first error so it can be reported whatever the sink made of it.
type attachmentReader struct {
	r    io.Reader
	n    int64
	max  int64
	hash hash.Hash
	err  error
}

func (a *attachmentReader) Read(b []byte) (int, error) {
	if a.err != nil {
		return 0, a.err
	}
	n, err := a.r.Read(b)
	a.n += int64(n)
	if a.n > a.max {
		a.err = fmt.Errorf("decodes to more than %d bytes: %w", a.max, ErrLimit)
		return 0, a.err
	}
	a.hash.Write(b[:n])
	if err != nil && err != io.EOF {
		a.err = err
	}
	return n, err
}

// contentReader yields the base64 characters of an element's text straight
// from the source, without XML white space, and stops before the '<' that
// ends the text. Character references to white space (&#13; from some
// serialisers) are skipped; anything else in the text is an error.
type contentReader struct {
	src  *source
	done bool
	err  error
}

func (c *contentReader) Read(p []byte) (int, error) {
	n := 0
	for n == 0 && !c.done && c.err == nil && len(p) > 0 {
		if _, err := c.src.br.Peek(1); err != nil {
			c.fail(err)
			break
		}
		// The output is never longer than the input, so scanning at most
		// len(p) bytes keeps every copy in bounds.
		chunk, _ := c.src.br.Peek(min(c.src.br.Buffered(), len(p)-n))
		used := 0
		for used < len(chunk) {
			start := used
			for used < len(chunk) && !textStop[chunk[used]] {
				used++
			}
			n += copy(p[n:], chunk[start:used])
			if used == len(chunk) {
				break
			}
			if b := chunk[used]; b == '<' {
				c.done = true
				break
			} else if b == '&' {
				break
			}
			used++ // white space
		}
		if err := c.src.consume(used); err != nil {
			c.err = err
			break
		}
		if !c.done && used < len(chunk) && chunk[used] == '&' {
			c.skipReference()
		}
	}
	if n > 0 {
		return n, nil
	}
	if c.err != nil {
		return 0, c.err
	}
	return 0, io.EOF
}

// textStop marks the bytes contentReader does not copy: the end of the
// text, a reference, and XML white space.
var textStop = func() (t [256]bool) {
	for _, b := range []byte("<& \t\r\n") {
		t[b] = true
	}
	return t
}()

// whitespaceRefs are the references a serialiser may write for line
// breaks inside base64 text.
var whitespaceRefs = []string{"&#9;", "&#10;", "&#13;", "&#32;", "&#x9;", "&#xA;", "&#xa;", "&#xD;", "&#xd;", "&#x20;"}

func (c *contentReader) skipReference() {
	head, _ := c.src.br.Peek(8)
	end := bytes.IndexByte(head, ';')
	if end > 0 {
		ref := string(head[:end+1])
		for _, ok := range whitespaceRefs {
			if ref == ok {
				if err := c.src.consume(len(ref)); err != nil {
					c.err = err
				}
				return
			}
		}
	}
	c.err = fmt.Errorf("reference %q in base64 text: %w", head, ErrMalformed)
}

func (c *contentReader) fail(err error) {
	if errors.Is(err, io.EOF) {
		c.err = fmt.Errorf("input ends inside attachment content: %w", ErrMalformed)
		return
	}
	if c.src.err != nil {
		c.err = c.src.err
		return
	}
	c.err = fmt.Errorf("reading attachment content: %w", err)
}

// base64Reader decodes base64 that contentReader has already cleaned of
// white space, in chunks. (base64.NewDecoder would scan every byte a second
// time for line breaks, which made it the slowest step.)
type base64Reader struct {
	src    io.Reader
	in     [32 << 10]byte
	have   int // characters buffered in in
	out    []byte
	outBuf [24 << 10]byte
	offset int64 // characters decoded so far, for error positions
	padded bool  // the last group had '=': nothing may follow
	err    error
}

func (d *base64Reader) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		n, err := d.src.Read(d.in[d.have:])
		d.have += n
		switch {
		case err == io.EOF && d.have%4 != 0:
			d.err = fmt.Errorf("text ends inside a group of four characters")
		case err != nil:
			d.err = err
		}
		full := d.have - d.have%4
		if full == 0 {
			continue
		}
		if d.padded {
			d.err = base64.CorruptInputError(d.offset)
			return 0, d.err
		}
		m, derr := base64.StdEncoding.Decode(d.outBuf[:], d.in[:full])
		if derr != nil {
			var at base64.CorruptInputError
			if errors.As(derr, &at) {
				derr = base64.CorruptInputError(d.offset + int64(at))
			}
			d.err = derr
			return 0, d.err
		}
		d.padded = d.in[full-1] == '='
		d.out = d.outBuf[:m]
		d.offset += int64(full)
		d.have = copy(d.in[:], d.in[full:d.have])
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}
