package appearance

import (
	"bytes"
	"image"
	"image/color"
	"testing"
)

// samples reads an NRGBA image's pixels in place; it must give what the
// generic conversion through At gives, also for a sub-image whose bounds do
// not start at the origin.
func TestSamplesOfNRGBAMatchTheGenericConversion(t *testing.T) {
	t.Parallel()
	img := image.NewNRGBA(image.Rect(-3, -2, 37, 21))
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x * 7), G: uint8(y * 13), B: uint8(x * y), A: uint8(x*y*31) | 0x0F})
		}
	}
	for _, m := range []image.Image{img, img.SubImage(image.Rect(2, 4, 19, 17))} {
		rgb, alpha, opaque := samples(m)
		var wantRGB, wantAlpha []byte
		b := m.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := color.NRGBAModel.Convert(m.At(x, y)).(color.NRGBA)
				wantRGB = append(wantRGB, c.R, c.G, c.B)
				wantAlpha = append(wantAlpha, c.A)
			}
		}
		if !bytes.Equal(rgb, wantRGB) || !bytes.Equal(alpha, wantAlpha) || opaque {
			t.Errorf("%v: samples differ from At's (rgb %d/%d bytes, alpha %d/%d, opaque %v)",
				b, len(rgb), len(wantRGB), len(alpha), len(wantAlpha), opaque)
		}
	}
	solid := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	for i := range solid.Pix {
		solid.Pix[i] = 0xFF
	}
	if _, _, opaque := samples(solid); !opaque {
		t.Error("an opaque image is reported transparent")
	}
}

func TestDecodedImagesAreSharedByContentAndBounded(t *testing.T) {
	t.Parallel()
	seal := sealPNG(t, 60)
	a, err := decodePNG(seal)
	if err != nil {
		t.Fatal(err)
	}
	b, err := decodePNG(bytes.Clone(seal))
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("the same PNG bytes were decoded twice")
	}
	if other, err := decodePNG(sealPNG(t, 61)); err != nil || other == a {
		t.Errorf("another PNG got the cached image (err %v)", err)
	}

	c := imageCache{max: 2, maxBytes: 100}
	small := &pdfImage{rgb: make([]byte, 10)}
	c.put([32]byte{1}, small)
	c.put([32]byte{2}, small)
	c.put([32]byte{3}, small)
	if c.get([32]byte{1}) != nil || c.get([32]byte{2}) == nil || c.get([32]byte{3}) == nil {
		t.Error("the cache does not drop its oldest image when full")
	}
	c.put([32]byte{4}, &pdfImage{rgb: make([]byte, 101)})
	if c.get([32]byte{4}) != nil {
		t.Error("an image over maxBytes was kept")
	}
}

// BenchmarkConvertPNG is the work decodePNG saves on a repeated image: decoding the
// leader's signature and compressing its samples.
func BenchmarkConvertPNG(b *testing.B) {
	sig := scribblePNG(b, 600, 200)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := convertPNG(sig); err != nil {
			b.Fatal(err)
		}
	}
}
