package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// The language of what a command prints for people: Vietnamese unless --lang en, or the
// locale (LC_ALL, LC_MESSAGES, LANG, as every Unix tool reads it) is English.
const (
	langVI = "vi"
	langEN = "en"
)

// bindLang registers --lang on fs.
func bindLang(fs *flag.FlagSet) *string {
	return fs.String("lang", "", "language of the report: vi or en (default: English when LANG is en_*, else Vietnamese)")
}

// resolveLang is the language the flag names, else the locale's.
func resolveLang(flagValue string) (string, error) {
	switch strings.ToLower(flagValue) {
	case langVI, "vi_vn", "vie":
		return langVI, nil
	case langEN, "en_us", "eng":
		return langEN, nil
	case "":
	default:
		return "", usageError{fmt.Errorf("--lang %q: want vi or en", flagValue)}
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "en") {
				return langEN, nil
			}
			return langVI, nil
		}
	}
	return langVI, nil
}

// pick is the Vietnamese or the English text.
func pick(lang, vi, en string) string {
	if lang == langEN {
		return en
	}
	return vi
}

// bilingual is one side of a "Vietnamese / English" text, as the validator writes its
// reasons and warnings; a text without the separator is returned whole.
func bilingual(lang, s string) string {
	vi, en, ok := strings.Cut(s, " / ")
	if !ok {
		return s
	}
	return strings.TrimSpace(pick(lang, vi, en))
}

// localTime is t in Vietnam's civil time (UTC+07:00, no daylight saving), as people read it.
func localTime(lang string, t time.Time) string {
	t = t.In(vietnamTime)
	return pick(lang, t.Format("15:04:05 ngày 02/01/2006")+" (giờ Việt Nam, UTC+07:00)",
		t.Format("2006-01-02 15:04:05 -07:00")+" (Vietnam time)")
}
