package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
)

// The demo's handwritten signature and seal, drawn rather than shipped: a blue stroke on a
// transparent background and a red double ring with a star, as Decree 30 shows them.

func demoSignaturePNG(seed int) []byte {
	const w, h = 360, 140
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	ink := color.NRGBA{R: 20, G: 40, B: 170, A: 255}
	phase := float64(seed%7) * 0.7
	for t := 0.0; t < 1; t += 0.0004 {
		x := 20 + t*320
		y := 70 + 38*math.Sin(t*9+phase)*math.Cos(t*3) - 20*t
		dot(img, x, y, 2.6, ink)
	}
	for t := 0.0; t < 1; t += 0.002 { // the underline flourish
		dot(img, 60+t*260, 112-8*math.Sin(t*math.Pi), 1.8, ink)
	}
	return encodePNG(img)
}

func demoSealPNG() []byte {
	const size = 400
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	red := color.NRGBA{R: 210, G: 20, B: 30, A: 235}
	c := float64(size) / 2
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			r := math.Hypot(float64(x)-c, float64(y)-c)
			if (r > 186 && r < 198) || (r > 128 && r < 134) {
				img.Set(x, y, red)
			}
		}
	}
	// A five-pointed star in the middle.
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			if inStar(float64(x)-c, c-float64(y), 70) {
				img.Set(x, y, red)
			}
		}
	}
	// Dots standing in for the ring text.
	for i := 0; i < 48; i++ {
		a := float64(i) / 48 * 2 * math.Pi
		dot(img, c+160*math.Cos(a), c+160*math.Sin(a), 5, red)
	}
	return encodePNG(img)
}

func inStar(x, y, r float64) bool {
	a := math.Atan2(y, x) - math.Pi/2
	a = math.Mod(a+10*math.Pi, 2*math.Pi/5) - math.Pi/5
	inner := r * 0.382
	// Distance to the edge of the star along this angle, between inner and outer radius.
	edge := inner + (r-inner)*(1-math.Abs(a)/(math.Pi/5))
	return math.Hypot(x, y) < edge
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
