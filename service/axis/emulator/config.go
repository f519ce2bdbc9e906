// Package emulator is an axis that behaves like the national document exchange axis
// for tests and demos (`vanthu axis serve`): an agency directory, per-agency inboxes,
// store-and-forward of edXML packages and statuses, at-least-once delivery with package
// ids, durable in a directory across kill -9.
package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/vanthu/vanthu/service/axis"
)

// DefaultMaxBody is the largest package the emulator takes unless told otherwise.
const DefaultMaxBody = 100 << 20

// System is one connected system (a vanthu instance, a ministry's software) with its
// secret and the agencies it receives for.
type System struct {
	ID       string        `json:"id"`
	Secret   string        `json:"secret"`
	Agencies []axis.Agency `json:"agencies"`
}

// Config is what the emulator is told at start. Agencies of the systems are registered
// (or moved to that system) on every start; agencies registered through the API stay.
type Config struct {
	Systems []System     `json:"systems"`
	MaxBody int64        `json:"max_body,omitempty"` // bytes; DefaultMaxBody when 0
	Logger  *slog.Logger `json:"-"`
}

// maxSystemsFile bounds what ParseSystems reads: a directory of every agency of the
// country is well under it.
const maxSystemsFile = 16 << 20

// ParseSystems reads a systems file: {"systems":[{"id","secret","agencies":[{"code","name",…}]}]}.
func ParseSystems(r io.Reader) (Config, error) {
	var cfg Config
	dec := json.NewDecoder(io.LimitReader(r, maxSystemsFile))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, fmt.Errorf("systems file: %w", err)
	}
	if dec.More() {
		return Config{}, errors.New("systems file: more than one JSON value")
	}
	return cfg, cfg.Validate()
}

// Validate checks ids, secrets and codes: every agency code once, in one system.
func (c Config) Validate() error {
	if len(c.Systems) == 0 {
		return errors.New("systems file: no systems")
	}
	if c.MaxBody < 0 {
		return errors.New("systems file: max_body is negative")
	}
	ids, codes := map[string]bool{}, map[string]string{}
	for i, s := range c.Systems {
		if err := axis.CheckCode(s.ID); err != nil {
			return fmt.Errorf("systems file: system %d: id: %w", i+1, err)
		}
		if ids[s.ID] {
			return fmt.Errorf("systems file: system %q twice", s.ID)
		}
		ids[s.ID] = true
		if len(s.Secret) < 8 {
			return fmt.Errorf("systems file: system %q: secret shorter than 8 characters", s.ID)
		}
		for _, a := range s.Agencies {
			if err := checkAgency(a); err != nil {
				return fmt.Errorf("systems file: system %q: %w", s.ID, err)
			}
			if other, ok := codes[a.Code]; ok {
				return fmt.Errorf("systems file: agency %s in systems %q and %q", a.Code, other, s.ID)
			}
			codes[a.Code] = s.ID
		}
	}
	return nil
}

func checkAgency(a axis.Agency) error {
	if err := axis.CheckCode(a.Code); err != nil {
		return err
	}
	if a.Name == "" || len(a.Name) > 500 {
		return fmt.Errorf("agency %s: tên cơ quan trống hoặc dài quá 500 byte (name empty or too long)", a.Code)
	}
	if a.ParentCode != "" {
		if err := axis.CheckCode(a.ParentCode); err != nil {
			return fmt.Errorf("agency %s: parent: %w", a.Code, err)
		}
	}
	for _, f := range []string{a.Email, a.Phone, a.Address} {
		if len(f) > 500 {
			return fmt.Errorf("agency %s: a field is longer than 500 bytes", a.Code)
		}
	}
	return nil
}

// Demo system ids: the demo province and a peer (ministries, another province) so that
// two vanthu instances can exchange through one emulator.
const (
	DemoSystem = "vanthu-demo"
	PeerSystem = "vanthu-peer"
)

// PeerAgencies are the peer system's agencies in the demo: real-looking QCVN 102 codes.
var PeerAgencies = []axis.Agency{
	{Code: "000.00.00.G07", Name: "Bộ Tư pháp", Address: "58-60 Trần Phú, Ba Đình, Hà Nội"},
	{Code: "000.00.00.G09", Name: "Bộ Nội vụ", Address: "8 Tôn Thất Thuyết, Nam Từ Liêm, Hà Nội"},
	{Code: "000.00.00.G12", Name: "Bộ Tài chính", Address: "28 Trần Hưng Đạo, Hoàn Kiếm, Hà Nội"},
	{Code: "000.00.00.G22", Name: "Văn phòng Chính phủ", Address: "1 Hoàng Hoa Thám, Ba Đình, Hà Nội"},
	{Code: "000.00.00.H26", Name: "Ủy ban nhân dân tỉnh Hà Nam", Address: "Phủ Lý, Hà Nam"},
	{Code: "000.00.00.H41", Name: "Ủy ban nhân dân tỉnh Phú Thọ", Address: "Việt Trì, Phú Thọ"},
}

// Demo is the demo directory: the demo province's agencies (seed.Directory, passed in
// so that the axis does not depend on the engine) under DemoSystem and PeerAgencies
// under PeerSystem.
func Demo(demoSecret, peerSecret string, province []axis.Agency) Config {
	return Config{Systems: []System{
		{ID: DemoSystem, Secret: demoSecret, Agencies: append([]axis.Agency(nil), province...)},
		{ID: PeerSystem, Secret: peerSecret, Agencies: append([]axis.Agency(nil), PeerAgencies...)},
	}}
}
