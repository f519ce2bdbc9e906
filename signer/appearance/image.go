package appearance

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sync"

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

// decodedImages keeps the last images converted, by the SHA-256 of their PNG: a leader's
// signature and an agency's seal are the same bytes on every document they sign, and
// decoding and compressing them again is most of an appearance's cost. A pdfImage is
// never modified once made, so appearances share it.
var decodedImages = imageCache{max: 32, maxBytes: 512 << 10}

type imageCache struct {
	max, maxBytes int // entries; compressed bytes of one image worth keeping
	mu            sync.Mutex
	images        map[[sha256.Size]byte]*pdfImage
	order         [][sha256.Size]byte // oldest first
}

func (c *imageCache) get(key [sha256.Size]byte) *pdfImage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.images[key]
}

func (c *imageCache) put(key [sha256.Size]byte, im *pdfImage) {
	if len(im.rgb)+len(im.alpha) > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.images[key]; ok {
		return
	}
	if c.images == nil {
		c.images = make(map[[sha256.Size]byte]*pdfImage)
	}
	if len(c.order) >= c.max {
		delete(c.images, c.order[0])
		c.order = append(c.order[:0], c.order[1:]...)
	}
	c.images[key] = im
	c.order = append(c.order, key)
}

// decodePNG converts a PNG (any colour type, with or without transparency) for embedding.
func decodePNG(data []byte) (*pdfImage, error) {
	key := sha256.Sum256(data)
	if im := decodedImages.get(key); im != nil {
		return im, nil
	}
	im, err := convertPNG(data)
	if err != nil {
		return nil, err
	}
	decodedImages.put(key, im)
	return im, nil
}

func convertPNG(data []byte) (*pdfImage, error) {
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
	rgb, alpha, opaque := samples(img)
	b := img.Bounds()
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

// samples splits img into RGB not premultiplied by alpha, as PDF wants it
// (the soft mask applies alpha), and alpha; opaque says alpha is all 0xFF.
func samples(img image.Image) (rgb, alpha []byte, opaque bool) {
	b := img.Bounds()
	rgb = make([]byte, 0, 3*b.Dx()*b.Dy())
	alpha = make([]byte, 0, b.Dx()*b.Dy())
	opaque = true
	if m, ok := img.(*image.NRGBA); ok {
		// The usual PNG with transparency: read the samples in place rather than
		// through At, which boxes every pixel in an interface.
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, y):m.PixOffset(b.Max.X, y)]
			for i := 0; i+3 < len(row); i += 4 {
				rgb = append(rgb, row[i], row[i+1], row[i+2])
				alpha = append(alpha, row[i+3])
				opaque = opaque && row[i+3] == 0xFF
			}
		}
		return rgb, alpha, opaque
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			rgb = append(rgb, c.R, c.G, c.B)
			alpha = append(alpha, c.A)
			opaque = opaque && c.A == 0xFF
		}
	}
	return rgb, alpha, opaque
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
