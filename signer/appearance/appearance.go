// Package appearance draws the visible part of the digital signatures Decree 30/2020/NĐ-CP
// (Phụ lục I) asks for, as PDF Form XObjects ready to be the /AP of a signature widget:
//
//   - Leader: the competent person's title lines, blue handwritten-signature image centred
//     between them and the printed name;
//   - Agency: the red seal at its real size, over the left third of the leader's signature;
//   - Attachment: number and notation plus signing time, top right of an attached file;
//   - Copy: copy form, copying agency and signing time, top right of an electronic copy.
//
// Text is set in an embedded Liberation Serif (Times New Roman metrics) as a subset Type0 font
// with a /ToUnicode map, so every Vietnamese letter renders and extracts correctly.
package appearance

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vanthu/vanthu/signer/font"
)

// ObjectWriter is the signer's incremental update: AddObject allocates the next object number,
// stores body (everything between "N 0 obj" and "endobj") and returns the number.
type ObjectWriter interface {
	AddObject(body []byte) int
}

// Appearance is one laid-out signature appearance on one page.
type Appearance struct {
	page      int
	rect      [4]float64
	imageRect [4]float64
	texts     []textLine
	images    []placedImage
}

// textLine is one line of text; x, y is the baseline start in form space.
type textLine struct {
	face *face
	size float64
	x, y float64
	text string
}

// placedImage is an image drawn into x, y, w, h of form space.
type placedImage struct {
	img        *pdfImage
	x, y, w, h float64
}

// Page is the 0-based index of the page the appearance belongs on.
func (a *Appearance) Page() int { return a.page }

// Rect is the widget rectangle: llx lly urx ury in the page's default user space.
func (a *Appearance) Rect() [4]float64 { return a.rect }

// ImageRect is where the appearance's image (the leader's signature, the seal) lands in default
// user space, or all zeros when it has none. Pass a Leader's ImageRect to Agency or SealRect.
func (a *Appearance) ImageRect() [4]float64 { return a.imageRect }

// WriteXObject writes the fonts, images and finally the Form XObject through w and returns the
// Form XObject's object number.
func (a *Appearance) WriteXObject(w ObjectWriter) (int, error) {
	var content, xobjects, fonts strings.Builder
	for i, im := range a.images {
		ref := im.img.write(w)
		name := fmt.Sprintf("Im%d", i)
		fmt.Fprintf(&xobjects, " /%s %d 0 R", name, ref)
		fmt.Fprintf(&content, "q %s 0 0 %s %s %s cm /%s Do Q\n", num(im.w), num(im.h), num(im.x), num(im.y), name)
	}
	uses := map[*face]*font.Use{}
	var order []*face
	if len(a.texts) > 0 {
		content.WriteString("0 g\n") // Decree 30 text is black
	}
	for _, t := range a.texts {
		u, ok := uses[t.face]
		if !ok {
			u = font.NewUse(t.face.Face)
			uses[t.face] = u
			order = append(order, t.face)
		}
		hex, err := u.Encode(t.text)
		if err != nil {
			return 0, fmt.Errorf("appearance: %w", err)
		}
		fmt.Fprintf(&content, "BT /%s %s Tf %s %s Td %s Tj ET\n", t.face.resource, num(t.size), num(t.x), num(t.y), hex)
	}
	for _, f := range order {
		ref, err := uses[f].Write(w)
		if err != nil {
			return 0, fmt.Errorf("appearance: %w", err)
		}
		fmt.Fprintf(&fonts, " /%s %d 0 R", f.resource, ref)
	}
	return a.writeForm(w, []byte(content.String()), xobjects.String(), fonts.String())
}

func (a *Appearance) writeForm(w ObjectWriter, content []byte, xobjects, fonts string) (int, error) {
	resources := "/ProcSet [/PDF /Text /ImageC]"
	if xobjects != "" {
		resources += " /XObject <<" + xobjects + " >>"
	}
	if fonts != "" {
		resources += " /Font <<" + fonts + " >>"
	}
	compressed, err := font.Deflate(content)
	if err != nil {
		return 0, fmt.Errorf("appearance: compress form content: %w", err)
	}
	width, height := a.rect[2]-a.rect[0], a.rect[3]-a.rect[1]
	dict := fmt.Sprintf("/Type /XObject /Subtype /Form /FormType 1 /BBox [0 0 %s %s] /Matrix [1 0 0 1 0 0] "+
		"/Resources << %s >> /Filter /FlateDecode", num(width), num(height), resources)
	return w.AddObject(font.StreamObject(dict, compressed)), nil
}

// vietnam is Indochina Time as a fixed zone: Vietnam has no daylight saving, and a fixed zone
// needs no tzdata on the server.
var vietnam = time.FixedZone("ICT", 7*60*60)

// ISOTime formats t in Vietnamese time as ISO 8601 with offset, e.g. 2025-03-05T14:32:05+07:00,
// the signing-time form Decree 30 asks for.
func ISOTime(t time.Time) string {
	return t.In(vietnam).Format("2006-01-02T15:04:05-07:00")
}

// num formats a PDF real with at most three decimals, never in exponent form.
func num(v float64) string {
	v = math.Round(v*1000) / 1000
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// mm converts millimetres to PDF points.
func mm(v float64) float64 { return v * 72 / 25.4 }
