package appearance

import (
	"errors"
	"fmt"
)

// Defaults for the leader's block. Decree 30 sets the title and name in 13–14 pt bold; the
// signature gets about two centimetres, the space a hand signature takes on paper.
const (
	DefaultLeaderWidth     = 220.0 // points, about 7.8 cm: the signature column of Mẫu 1.x
	DefaultLeaderFontSize  = 14.0
	DefaultSignatureHeight = 56.7 // points, 2 cm
)

// LeaderOptions describe the competent person's signature block (PL I, ô 7c).
type LeaderOptions struct {
	Page int     // 0-based page index
	X, Y float64 // lower-left corner of the block in default user space
	// Width of the block in points; lines longer than this wrap. Default DefaultLeaderWidth.
	Width float64
	// Titles are the authority and position lines, e.g. "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH".
	Titles []string
	// Name is the signer's printed name, e.g. "Nguyễn Văn Chiến".
	Name string
	// Signature is the handwritten signature: a blue PNG with a transparent background.
	Signature []byte
	// SignatureHeight is the height reserved for the signature image; the image is scaled to
	// it keeping its proportions (narrower if it would exceed Width). Default DefaultSignatureHeight.
	SignatureHeight float64
	// FontSize of the title and name lines. Default DefaultLeaderFontSize.
	FontSize float64
}

// Leader lays out the leader's signature block: bold centred title lines, the signature image
// centred below them, the bold centred name below it.
func Leader(opts LeaderOptions) (*Appearance, error) {
	opts.Width = orDefault(opts.Width, DefaultLeaderWidth)
	opts.SignatureHeight = orDefault(opts.SignatureHeight, DefaultSignatureHeight)
	opts.FontSize = orDefault(opts.FontSize, DefaultLeaderFontSize)
	if opts.Page < 0 || opts.Width < 0 || opts.SignatureHeight < 0 || opts.FontSize < 0 {
		return nil, errors.New("appearance: leader: page, width, signature height and font size must not be negative")
	}
	if len(opts.Signature) == 0 {
		return nil, errors.New("appearance: leader: the signature image is required (PL I, ô 7c)")
	}
	sig, err := decodePNG(opts.Signature)
	if err != nil {
		return nil, fmt.Errorf("appearance: leader signature: %w", err)
	}
	bold, err := boldFace()
	if err != nil {
		return nil, err
	}
	b := &block{face: bold, size: opts.FontSize, width: opts.Width}
	for _, title := range opts.Titles {
		if err := b.addCentred(title); err != nil {
			return nil, fmt.Errorf("appearance: leader title: %w", err)
		}
	}
	imgW, imgH := fit(sig, opts.Width, opts.SignatureHeight)
	b.addGap(b.size * 0.25)
	slot := b.addGap(opts.SignatureHeight)
	b.addGap(b.size * 0.25)
	if err := b.addCentred(opts.Name); err != nil {
		return nil, fmt.Errorf("appearance: leader name: %w", err)
	}

	a := b.appearance(opts.Page, opts.X, opts.Y)
	// The image sits centred in its slot; slot is measured down from the block's top.
	height := a.rect[3] - a.rect[1]
	img := placedImage{img: sig, w: imgW, h: imgH,
		x: (opts.Width - imgW) / 2, y: height - slot - opts.SignatureHeight + (opts.SignatureHeight-imgH)/2}
	a.images = append(a.images, img)
	a.imageRect = [4]float64{opts.X + img.x, opts.Y + img.y, opts.X + img.x + img.w, opts.Y + img.y + img.h}
	return a, nil
}

// fit scales an image into maxW × maxH keeping its aspect ratio.
func fit(im *pdfImage, maxW, maxH float64) (w, h float64) {
	w, h = maxH*float64(im.width)/float64(im.height), maxH
	if w > maxW {
		w, h = maxW, maxW*float64(im.height)/float64(im.width)
	}
	return w, h
}

func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// SignatureOnly is the leader's signature image alone, centred in rect: for documents
// whose page already prints the authority lines and the name around an empty space (as
// signer/docpdf lays them out), so the appearance adds only what the page lacks.
func SignatureOnly(page int, rect [4]float64, signature []byte) (*Appearance, error) {
	if page < 0 || rect[2] <= rect[0] || rect[3] <= rect[1] {
		return nil, errors.New("appearance: signature: page must not be negative and the rectangle not empty")
	}
	sig, err := decodePNG(signature)
	if err != nil {
		return nil, fmt.Errorf("appearance: signature: %w", err)
	}
	w, h := rect[2]-rect[0], rect[3]-rect[1]
	imgW, imgH := fit(sig, w, h)
	x, y := (w-imgW)/2, (h-imgH)/2
	return &Appearance{page: page, rect: rect,
		images:    []placedImage{{img: sig, x: x, y: y, w: imgW, h: imgH}},
		imageRect: [4]float64{rect[0] + x, rect[1] + y, rect[0] + x + imgW, rect[1] + y + imgH}}, nil
}
