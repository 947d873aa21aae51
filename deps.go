//go:build tools

package main

import (
	_ "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/kljensen/snowball/russian"
	_ "github.com/mdp/qrterminal/v3"
	_ "github.com/philippgille/chromem-go"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/prometheus/client_golang/prometheus/promhttp"
	_ "github.com/prometheus/client_golang/prometheus/testutil"
	_ "github.com/sashabaranov/go-openai"
	_ "go.mau.fi/whatsmeow"
	_ "go.mau.fi/whatsmeow/proto/waE2E"
	_ "go.mau.fi/whatsmeow/store/sqlstore"
	_ "go.mau.fi/whatsmeow/types/events"
	_ "golang.org/x/text/unicode/norm"
	_ "gopkg.in/yaml.v3"
	_ "modernc.org/sqlite"
)
