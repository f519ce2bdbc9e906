package keyring

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
)

// DefaultSignature is a generic handwritten-looking stroke, used for a person whose key
// was enrolled without a scan of their signature.
func DefaultSignature() []byte {
	const w, h = 360, 140
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	ink := color.NRGBA{R: 20, G: 40, B: 170, A: 255}
	for t := 0.0; t < 1; t += 0.0005 {
		dot(img, 20+t*320, 70+34*math.Sin(t*8)*math.Cos(t*3)-18*t, 2.4, ink)
	}
	return encodePNG(img)
}

// DefaultSeal is a plain red double ring, used for an agency enrolled without a scan of
// its seal.
func DefaultSeal() []byte {
	const size = 300
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	red := color.NRGBA{R: 210, G: 20, B: 30, A: 235}
	c := float64(size) / 2
	for y := range size {
		for x := range size {
			r := math.Hypot(float64(x)-c, float64(y)-c)
			if (r > 138 && r < 148) || (r > 96 && r < 101) {
				img.Set(x, y, red)
			}
		}
	}
	return encodePNG(img)
}

func dot(img *image.NRGBA, cx, cy, r float64, c color.NRGBA) {
	for y := int(cy - r); y <= int(cy+r); y++ {
		for x := int(cx - r); x <= int(cx+r); x++ {
			if math.Hypot(float64(x)-cx, float64(y)-cy) <= r {
				img.Set(x, y, c)
			}
		}
	}
}

func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
