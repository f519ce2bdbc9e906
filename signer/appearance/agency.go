package appearance

import (
	"errors"
	"fmt"
)

// DefaultSealDiameterMM is the usual diameter of an agency's round seal.
const DefaultSealDiameterMM = 36.0

// AgencyOptions describe the agency's signature (PL I, ô 8): the seal image only, no text.
type AgencyOptions struct {
	Page int // 0-based page index, normally the leader's signature page
	// Seal is the agency's seal: a red PNG with a transparent background.
	Seal []byte
	// DiameterMM is the seal's real diameter in millimetres; the image is drawn that wide.
	// Default DefaultSealDiameterMM.
	DiameterMM float64
	// SignatureRect is the leader's signature image in default user space (the leader
	// appearance's ImageRect); the seal covers its left third. When the leader signed with
	// another tool and only the widget's /Rect is known, pass that.
	SignatureRect [4]float64
	// Stamps are texts the agency's signature writes on the page: the number and date the
	// clerk gives at issue, in the blanks the draft left for them. The appearance then
	// spans from the seal to the stamps, transparent between them.
	Stamps []Stamp
}

// Stamp is one line of text at a baseline position of the page (default user space).
type Stamp struct {
	X, Y float64
	Text string
	Size float64 // default 13
}

// Agency lays out the seal at its real size over the left third of the leader's signature.
func Agency(opts AgencyOptions) (*Appearance, error) {
	opts.DiameterMM = orDefault(opts.DiameterMM, DefaultSealDiameterMM)
	if opts.Page < 0 || opts.DiameterMM < 0 {
		return nil, errors.New("appearance: agency: page and diameter must not be negative")
	}
	r := opts.SignatureRect
	if r[2] <= r[0] || r[3] <= r[1] {
		return nil, fmt.Errorf("appearance: agency: signature rect %v is empty; pass the leader appearance's ImageRect", r)
	}
	if len(opts.Seal) == 0 {
		return nil, errors.New("appearance: agency: the seal image is required (PL I, ô 8)")
	}
	seal, err := decodePNG(opts.Seal)
	if err != nil {
		return nil, fmt.Errorf("appearance: agency seal: %w", err)
	}
	rect := SealRect(r, opts.DiameterMM)
	// A seal scan that is not square keeps its proportions: its width is the diameter and it
	// stays centred on the signature's middle.
	w := rect[2] - rect[0]
	h := w * float64(seal.height) / float64(seal.width)
	mid := (rect[1] + rect[3]) / 2
	rect[1], rect[3] = mid-h/2, mid+h/2
	a := &Appearance{
		page:      opts.Page,
		rect:      rect,
		imageRect: rect,
		images:    []placedImage{{img: seal, w: w, h: h}},
	}
	return a, a.addStamps(opts.Stamps)
}

// Stamps is an appearance of text alone on a page: the number and date the agency's
// signature writes into a draft's blanks when the seal is on another page than the first.
func Stamps(page int, stamps []Stamp) (*Appearance, error) {
	if page < 0 || len(stamps) == 0 {
		return nil, errors.New("appearance: stamps: page must not be negative and there must be a stamp")
	}
	a := &Appearance{page: page}
	return a, a.addStamps(stamps)
}

// addStamps grows the appearance to take in the stamps and draws them, keeping the seal
// where it was on the page.
func (a *Appearance) addStamps(stamps []Stamp) error {
	if len(stamps) == 0 {
		return nil
	}
	regular, err := regularFace()
	if err != nil {
		return err
	}
	type placed struct {
		x, y, size float64
		text       string
	}
	var lines []placed
	union := a.rect
	for i, st := range stamps {
		size := orDefault(st.Size, 13)
		text := cleanText(st.Text)
		w, err := regular.width(text, size)
		if err != nil {
			return fmt.Errorf("appearance: stamp %q: %w", st.Text, err)
		}
		if i == 0 && len(a.images) == 0 { // text alone: the first stamp starts the box
			union = [4]float64{st.X, st.Y, st.X, st.Y}
		}
		union[0], union[1] = min(union[0], st.X), min(union[1], st.Y-regular.Descent(size))
		union[2], union[3] = max(union[2], st.X+w), max(union[3], st.Y+regular.ascent(size))
		lines = append(lines, placed{st.X, st.Y, size, text})
	}
	for i := range a.images {
		a.images[i].x += a.rect[0] - union[0]
		a.images[i].y += a.rect[1] - union[1]
	}
	for _, l := range lines {
		a.texts = append(a.texts, textLine{face: regular, size: l.size, x: l.x - union[0], y: l.y - union[1], text: l.text})
	}
	a.rect = union
	return nil
}

// SealRect is where a round seal of diameterMM goes for a leader's signature image at signature
// (llx lly urx ury): its right edge a third of the way into the signature, so it covers the
// signature's left third as on paper, and vertically centred on the signature.
func SealRect(signature [4]float64, diameterMM float64) [4]float64 {
	d := mm(diameterMM)
	right := signature[0] + (signature[2]-signature[0])/3
	mid := (signature[1] + signature[3]) / 2
	return [4]float64{right - d, mid - d/2, right, mid + d/2}
}
