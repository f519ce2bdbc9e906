package appearance

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"

	"github.com/vanthu/vanthu/signer/font"
)

// maxImagePixels bounds decoding so a hostile or careless upload (a 20000×20000 scan of a seal)
// cannot make signing allocate gigabytes.
const maxImagePixels = 16 << 20

// pdfImage is a PNG ready for PDF: compressed RGB samples plus, when the PNG has transparency,
// compressed alpha for a soft mask.
type pdfImage struct {
	width, height int
	rgb           []byte
	alpha         []byte // nil when fully opaque
}

// decodePNG converts a PNG (any colour type, with or without transparency) for embedding.
func decodePNG(data []byte) (*pdfImage, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("appearance: read PNG header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxImagePixels {
		return nil, fmt.Errorf("appearance: PNG is %d×%d pixels, want at most %d in all", cfg.Width, cfg.Height, maxImagePixels)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("appearance: decode PNG: %w", err)
	}
	b := img.Bounds()
	rgb := make([]byte, 0, 3*b.Dx()*b.Dy())
	alpha := make([]byte, 0, b.Dx()*b.Dy())
	opaque := true
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			// PDF wants colour not premultiplied by alpha; the soft mask applies alpha.
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			rgb = append(rgb, c.R, c.G, c.B)
			alpha = append(alpha, c.A)
			opaque = opaque && c.A == 0xFF
		}
	}
	out := &pdfImage{width: b.Dx(), height: b.Dy()}
	if out.rgb, err = font.Deflate(rgb); err != nil {
		return nil, fmt.Errorf("appearance: compress image: %w", err)
	}
	if !opaque {
		if out.alpha, err = font.Deflate(alpha); err != nil {
			return nil, fmt.Errorf("appearance: compress image alpha: %w", err)
		}
	}
	return out, nil
}

// write adds the soft mask (if any) and the image XObject, returning the image's number.
func (im *pdfImage) write(w ObjectWriter) int {
	common := fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /BitsPerComponent 8 /Filter /FlateDecode",
		im.width, im.height)
	smask := ""
	if im.alpha != nil {
		ref := w.AddObject(font.StreamObject(common+" /ColorSpace /DeviceGray", im.alpha))
		smask = fmt.Sprintf(" /SMask %d 0 R", ref)
	}
	return w.AddObject(font.StreamObject(common+" /ColorSpace /DeviceRGB"+smask, im.rgb))
}
