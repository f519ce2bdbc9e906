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
	return &Appearance{
		page:      opts.Page,
		rect:      rect,
		imageRect: rect,
		images:    []placedImage{{img: seal, w: w, h: h}},
	}, nil
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
