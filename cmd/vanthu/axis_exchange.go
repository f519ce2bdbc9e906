package main

import (
	"errors"
	"os"
	"time"

	"github.com/riverqueue/river"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/seed"
	"github.com/vanthu/vanthu/service/axis"
	"github.com/vanthu/vanthu/service/exchange"
	"github.com/vanthu/vanthu/storage"
)

// The national document exchange axis, for serve: without VANTHU_AXIS_URL nothing of it
// runs, and a dispatch to agencies on the axis is refused.
var (
	settingAxisURL    = setting{"serve", "VANTHU_AXIS_URL"}
	settingAxisSystem = setting{"serve", "VANTHU_AXIS_SYSTEM"}
	// The secret is read from the environment only, and never logged.
	settingAxisSecret = setting{"serve", "VANTHU_AXIS_SECRET"}
	settingAxisPoll   = setting{"serve", "VANTHU_AXIS_POLL"}
)

// axisSettings are the axis's settings, read before anything starts so that a wrong one
// stops serve with one line; nil without VANTHU_AXIS_URL.
type axisSettings struct {
	url, system string
	client      *axis.Client
	poll        time.Duration
}

func readAxisSettings() (*axisSettings, error) {
	url := os.Getenv(settingAxisURL.env)
	if url == "" {
		return nil, nil
	}
	system := os.Getenv(settingAxisSystem.env)
	if system == "" {
		return nil, settingError{settingAxisSystem, errors.New("the system id this instance has on the axis is required with VANTHU_AXIS_URL")}
	}
	poll, err := durationSetting(settingAxisPoll, exchange.DefaultPoll, time.Second)
	if err != nil {
		return nil, err
	}
	client, err := axis.NewClient(url, system, os.Getenv(settingAxisSecret.env))
	if err != nil {
		return nil, settingError{settingAxisURL, err}
	}
	return &axisSettings{url: url, system: system, client: client, poll: poll}, nil
}

// registerExchange adds the exchange's workers and periodic jobs when an axis is
// configured; it returns nil without one.
func registerExchange(d backgroundDeps, as *axisSettings, trust *engine.TrustPool, workers *river.Workers) (*exchange.Service, []*river.PeriodicJob, error) {
	if as == nil {
		return nil, nil, nil
	}
	svc, err := exchange.New(exchange.Config{Engine: d.eng, Store: d.store, Blobs: d.blobs, Axis: as.client, Trust: trust,
		Logger: d.logger, Poll: as.poll})
	if err != nil {
		return nil, nil, err
	}
	d.logger.Info("national exchange axis", "url", storage.Redact(as.url), "system", as.system, "poll", as.poll.String())
	return svc, svc.Register(workers), nil
}

// demoIdentity renames the demo tree of a second demo instance (a ministry exchanging
// with the demo province over the axis): VANTHU_DEMO_CODE (QĐ 20/2020 code of the root,
// and the prefix of the codes below it), VANTHU_DEMO_CODE102 and VANTHU_DEMO_NAME.
func demoIdentity() seed.Identity {
	return seed.Identity{Code: os.Getenv("VANTHU_DEMO_CODE"), Code102: os.Getenv("VANTHU_DEMO_CODE102"),
		Name: os.Getenv("VANTHU_DEMO_NAME")}
}
