package edxml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// AttachmentSink receives one attachment while it is decoded. r yields the
// decoded bytes and is valid only during the call; whatever the sink leaves
// unread is read and checked by the parser. A non-nil error stops the parse.
type AttachmentSink func(name, contentType string, r io.Reader) error

// ParseMessage reads an edoc envelope and checks that it names a sender, at
// least one recipient, a subject and at least one attachment. Attachment
// contents are decoded and checked (Size, SHA256 in Message.Attachments) but
// not kept; use ParseMessageStream to store them.
func ParseMessage(r io.Reader, limits Limits) (*Message, error) {
	return ParseMessageStream(r, limits, nil)
}

// ParseMessageStream is ParseMessage handing each attachment to sink as it
// is decoded, in document order. A nil sink discards the contents.
func ParseMessageStream(r io.Reader, limits Limits, sink AttachmentSink) (*Message, error) {
	pkg, err := Parse(r, limits, sink)
	if err != nil {
		return nil, err
	}
	if pkg.Message == nil {
		return nil, fmt.Errorf("edxml: MessageHeader: a status message (%s), not a document: %w", pkg.Status.Code, ErrMalformed)
	}
	return pkg.Message, nil
}

// Package is what one edXML file carries: a document or a status message,
// exactly one of the two.
type Package struct {
	Message *Message
	Status  *StatusMessage
}

// Parse reads a document or a status message, whichever the input holds. A
// status is recognised in the axis SDK's layout (StatusCode inside
// MessageHeader, no To) and in the older one (a Status element in a SOAP
// header, or alone). Only a structurally unreadable package is refused: an
// unusual value is reported in the Warnings of what is returned.
func Parse(r io.Reader, limits Limits, sink AttachmentSink) (*Package, error) {
	p := newParser(r, limits)
	root, err := p.root()
	if err != nil {
		return nil, err
	}
	var m Message
	var parts envelopeParts
	switch root.Name.Local {
	case "Status":
		parts.status, err = p.readNode(root, "")
	case "edXML", "edXMLEnvelope", "Envelope":
		err = p.walk(root, &parts, &m, sink)
	default:
		err = fmt.Errorf("edxml: root element <%s>: want <edXML>, <edXMLEnvelope> or a SOAP <Envelope>: %w", root.Name.Local, ErrMalformed)
	}
	if err != nil {
		return nil, err
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	switch {
	case parts.status != nil:
		s, err := readStatus(parts.status)
		return &Package{Status: s}, err
	case parts.header == nil:
		return nil, fmt.Errorf("edxml: %s: holds neither a MessageHeader nor a Status: %w", root.Name.Local, ErrMissing)
	case parts.header.child("StatusCode") != nil && parts.header.child("To") == nil:
		s, err := readStatus(parts.header)
		return &Package{Status: s}, err
	}
	return readMessage(&m, parts)
}

// envelopeParts are the elements read whole while walking an envelope.
type envelopeParts struct {
	header, trace, manifest, status *node
}

// walk reads the envelope under root: containers are entered, the parts
// kept, attachments streamed to sink, anything else (Signature, a SOAP Body,
// elements a newer sender adds) skipped.
func (p *parser) walk(root xml.StartElement, parts *envelopeParts, m *Message, sink AttachmentSink) error {
	stack := []string{root.Name.Local}
	for len(stack) > 0 {
		tok, err := p.next()
		if err != nil {
			return fmt.Errorf("edxml: %s: %w", strings.Join(stack, "/"), eofIsUnexpected(err))
		}
		switch t := tok.(type) {
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.StartElement:
			parent := strings.Join(stack, "/")
			switch t.Name.Local {
			case "edXMLEnvelope", "edXMLHeader", "edXMLBody", "AttachmentEncoded", "Header":
				stack = append(stack, t.Name.Local)
			case "MessageHeader":
				err = p.readPart(t, parent, &parts.header)
			case "TraceHeaderList":
				err = p.readPart(t, parent, &parts.trace)
			case "edXMLManifest":
				err = p.readPart(t, parent, &parts.manifest)
			case "Status":
				err = p.readPart(t, parent, &parts.status)
			case "Attachment":
				err = p.attachment(t, m, parent, sink)
			default:
				err = p.skip(t.Name.Local, parent)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// readPart reads an element into *into; a repeated part is read (so that it
// is checked) but the first one is kept.
func (p *parser) readPart(t xml.StartElement, parent string, into **node) error {
	n, err := p.readNode(t, parent)
	if err == nil && *into == nil {
		*into = n
	}
	return err
}

// readMessage maps the parts of a document message and checks it.
func readMessage(m *Message, parts envelopeParts) (*Package, error) {
	var f fields
	readHeader(&f, parts.header, m)
	readTrace(&f, parts.trace, m)
	if f.err != nil {
		return nil, f.err
	}
	m.Warnings = append(m.Warnings, f.warnings...)
	m.Manifest = readManifest(parts.manifest)
	warnings, err := m.validate()
	if err != nil {
		return nil, err
	}
	m.Warnings = append(m.Warnings, warnings...)
	if len(m.Attachments) == 0 {
		return nil, fmt.Errorf("edxml: AttachmentEncoded/Attachment: a message carries at least one attachment: %w", ErrMissing)
	}
	return &Package{Message: m}, nil
}

// validate checks what every edoc needs to be handled at all: a sender, a
// recipient, a subject and a known business type. Anything else unusual (an
// agency code of a form not in QCVN 102 or QĐ 20/2020, a recipient named
// twice) is returned as a warning: the axis routes what it routes, and
// dropping a message over one odd code loses the document. BuildMessage and
// Parse share it so that what one writes the other accepts.
func (m *Message) validate() (warnings []string, err error) {
	if m.From.OrganID == "" {
		return nil, fmt.Errorf("edxml: MessageHeader/From/OrganId: %w", ErrMissing)
	}
	if w := organIDWarning("MessageHeader/From/OrganId", m.From.OrganID); w != "" {
		warnings = append(warnings, w)
	}
	if len(m.To) == 0 {
		return nil, fmt.Errorf("edxml: MessageHeader/To: a message names at least one recipient: %w", ErrMissing)
	}
	seen := make(map[string]bool, len(m.To))
	for i, to := range m.To {
		path := fmt.Sprintf("MessageHeader/To[%d]/OrganId", i+1)
		switch {
		case to.OrganID == "":
			warnings = append(warnings, path+": empty, the recipient "+strconv.Quote(to.OrganName)+" has no code")
		case seen[to.OrganID]:
			warnings = append(warnings, path+": recipient "+to.OrganID+" is named twice")
		default:
			if w := organIDWarning(path, to.OrganID); w != "" {
				warnings = append(warnings, w)
			}
		}
		seen[to.OrganID] = true
	}
	if strings.TrimSpace(m.Subject) == "" {
		return nil, fmt.Errorf("edxml: MessageHeader/Subject: %w", ErrMissing)
	}
	if !m.Business.DocType.Valid() {
		return nil, fmt.Errorf("edxml: TraceHeaderList/Bussiness/BussinessDocType: %d is not 0–3: %w", m.Business.DocType, ErrMalformed)
	}
	return warnings, nil
}

// organIDWarning is "" for a code of a known form, else the warning to keep.
func organIDWarning(path, id string) string {
	if CheckOrganID(id) == nil {
		return ""
	}
	return fmt.Sprintf("%s: %q is not an agency code of a known form; kept as written", path, id)
}

// parser wraps the XML decoder with the depth limit and the DOCTYPE refusal;
// every token goes through next.
type parser struct {
	src   *source
	dec   *xml.Decoder
	lim   Limits
	depth int
}

func newParser(r io.Reader, limits Limits) *parser {
	lim := limits.withDefaults()
	src := newSource(r, lim)
	return &parser{src: src, dec: xml.NewDecoder(src), lim: lim}
}

func (p *parser) next() (xml.Token, error) {
	tok, err := p.dec.Token()
	if err != nil {
		if p.src.err != nil {
			return nil, p.src.err
		}
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	switch t := tok.(type) {
	case xml.StartElement:
		p.depth++
		if p.depth > p.lim.MaxDepth {
			return nil, fmt.Errorf("<%s> is nested deeper than %d elements: %w", t.Name.Local, p.lim.MaxDepth, ErrLimit)
		}
	case xml.EndElement:
		p.depth--
	case xml.Directive:
		// encoding/xml expands no external entities, but a DOCTYPE has no
		// business in an edXML message and refusing it ends the question.
		return nil, ErrDoctype
	}
	return tok, nil
}

// root returns the first element, skipping the XML declaration, comments
// and white space.
func (p *parser) root() (xml.StartElement, error) {
	for {
		tok, err := p.next()
		if err != nil {
			if err == io.EOF {
				return xml.StartElement{}, fmt.Errorf("edxml: input holds no element: %w", ErrMalformed)
			}
			return xml.StartElement{}, fmt.Errorf("edxml: %w", err)
		}
		if t, ok := tok.(xml.StartElement); ok {
			return t, nil
		}
	}
}

// end reads what follows the root element: only comments and space.
func (p *parser) end() error {
	for {
		tok, err := p.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("edxml: after the root element: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return fmt.Errorf("edxml: <%s> after the root element: %w", t.Name.Local, ErrMalformed)
		case xml.CharData:
			if len(strings.TrimSpace(string(t))) > 0 {
				return fmt.Errorf("edxml: text after the root element: %w", ErrMalformed)
			}
		}
	}
}

// skip reads past the element just started, still under the depth limit.
func (p *parser) skip(name, parent string) error {
	path := parent + "/" + name
	for depth := 1; depth > 0; {
		tok, err := p.next()
		if err != nil {
			return fmt.Errorf("edxml: %s: %w", path, eofIsUnexpected(err))
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

func eofIsUnexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("input ends inside the element: %w", ErrMalformed)
	}
	return err
}

// node is an element read whole: the header parts are small (bounded by
// Limits.MaxMarkupBytes), so a tree is the simplest way to read them in any
// order.
type node struct {
	name string
	path string
	text string
	kids []*node
}

func (p *parser) readNode(start xml.StartElement, parent string) (*node, error) {
	n := &node{name: start.Name.Local, path: parent + "/" + start.Name.Local}
	var text strings.Builder
	for {
		tok, err := p.next()
		if err != nil {
			return nil, fmt.Errorf("edxml: %s: %w", n.path, eofIsUnexpected(err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			kid, err := p.readNode(t, n.path)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, kid)
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			// Values are trimmed: pretty-printing senders indent them.
			n.text = strings.TrimSpace(text.String())
			return n, nil
		}
	}
}

// child is the first child called name; nil-safe so optional parts read
// as zero values.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

func (n *node) children(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// str is the text of the first child called name, "" when absent.
func (n *node) str(name string) string {
	if c := n.child(name); c != nil {
		return c.text
	}
	return ""
}
