package bot

import "atazan/corpus"

// battleTexts are the bot's words around a battle, in one language.
type battleTexts struct {
	started     string // %d rounds, %d seconds, %s topic line
	topicLine   string // %s: topic
	running     string
	none        string
	noItems     string
	unknownOpt  string // %s: the topics
	onlyStarter string
	stopped     string
	skipped     string
	roundFact   string // %d round, %d of
	roundDebate string // %d round, %d of
	answerHint  string
	debateHint  string // %d seconds
	accepted    string // %s: name
	opinionOK   string // %s: name
	opinionNew  string // %s: name
	correctIs   string // %s: the option
	rightBy     string // %s: names
	nobodyRight string
	verdict     string
	neutral     string
	voteQ       string
	voteHint    string
	noVote      string
	bestIs      string // %s: names
	finalTitle  string
	topTitle    string
	topEmpty    string
	points      string // %d
	exportDone  string // %d rows
	reviewTitle string // %d items
	reviewNone  string
	approveHint string
	approved    string // %d items
	notApproved string // %s ids
	usage       string
}

var battleRU = battleTexts{
	started:     "⚔️ Конституционный баттл! Раундов: %d, на каждый %d с.%s\nФакты — выбирайте вариант. Дебаты — пишите своё мнение, потом голосуйте за лучший аргумент. Бот показывает, что сказано в Конституции, и не занимает ничью сторону.\n/battle skip — дальше, /battle stop — закончить (ведущий или админ).",
	topicLine:   "\nТема: %s.",
	running:     "В этом чате уже идёт баттл. /battle stop — закончить его.",
	none:        "Сейчас баттла нет. /battle — начать.",
	noItems:     "Для этой темы пока нет проверенных вопросов.",
	unknownOpt:  "Не знаю такой темы. Темы: %s.",
	onlyStarter: "Остановить или пропустить раунд может только тот, кто начал баттл, или администратор.",
	stopped:     "Баттл остановлен.",
	skipped:     "Раунд пропущен.",
	roundFact:   "Раунд %d из %d · вопрос",
	roundDebate: "Раунд %d из %d · дебаты",
	answerHint:  "Ответьте номером варианта.",
	debateHint:  "Ваше мнение — одним сообщением, %d с. Вопрос с «?» бот примет как обычный вопрос.",
	accepted:    "✓ %s: ответ принят",
	opinionOK:   "✓ %s: мнение записано",
	opinionNew:  "✓ %s: мнение обновлено",
	correctIs:   "Правильный ответ: %s",
	rightBy:     "Верно ответили: %s",
	nobodyRight: "Верных ответов нет.",
	verdict:     "Что говорит Конституция:",
	neutral:     "Это текст Конституции, а не оценка мнений: решает зал.",
	voteQ:       "Чей аргумент лучше?",
	voteHint:    "Голосуйте номером. За свой аргумент голосовать нельзя.",
	noVote:      "Голосов нет.",
	bestIs:      "Лучший аргумент по мнению зала: %s",
	finalTitle:  "🏆 Итоги баттла",
	topTitle:    "🏆 Лучшие игроки этого чата",
	topEmpty:    "В этом чате ещё никто не набрал очков.",
	points:      "%d очк.",
	exportDone:  "Баттл: %d записей.",
	reviewTitle: "Вопросы баттла, отложенные до проверки (%d):",
	reviewNone:  "Все вопросы баттла сходятся с действующим текстом.",
	approveHint: "Если текст изменился, а вопрос по-прежнему верен: /battle approve <id> или /battle approve all.",
	approved:    "Одобрено вопросов: %d. Они снова в игре.",
	notApproved: "Не одобрены (текст их больше не подтверждает, их нужно переписать): %s",
	usage:       "/battle — баттл из 5 раундов; /battle 10 — из 10; /battle kurultai — по теме; /battle 45s — 45 секунд на раунд; /battle top — лучшие игроки; /battle export — CSV игры.",
}

var battleKK = battleTexts{
	started:     "⚔️ Конституциялық баттл! Раунд саны: %d, әрқайсысына %d с.%s\nФактілер — нұсқаны таңдаңыз. Пікірсайыс — пікіріңізді жазыңыз, содан соң ең жақсы дәлелге дауыс беріңіз. Бот Конституцияда не жазылғанын көрсетеді, ешкімнің жағын алмайды.\n/battle skip — келесі, /battle stop — аяқтау (жүргізуші немесе әкімші).",
	topicLine:   "\nТақырып: %s.",
	running:     "Бұл чатта баттл жүріп жатыр. /battle stop — аяқтау.",
	none:        "Қазір баттл жоқ. /battle — бастау.",
	noItems:     "Бұл тақырып бойынша тексерілген сұрақ әзірге жоқ.",
	unknownOpt:  "Мұндай тақырып жоқ. Тақырыптар: %s.",
	onlyStarter: "Баттлды тоқтатуға немесе раундты өткізіп жіберуге оны бастаған адам немесе әкімші ғана құқылы.",
	stopped:     "Баттл тоқтатылды.",
	skipped:     "Раунд өткізіп жіберілді.",
	roundFact:   "Раунд %d / %d · сұрақ",
	roundDebate: "Раунд %d / %d · пікірсайыс",
	answerHint:  "Нұсқаның нөмірін жіберіңіз.",
	debateHint:  "Пікіріңізді бір хабарламамен жазыңыз, %d с. «?» белгісі бар сұрақты бот әдеттегі сұрақ ретінде қабылдайды.",
	accepted:    "✓ %s: жауап қабылданды",
	opinionOK:   "✓ %s: пікір жазылды",
	opinionNew:  "✓ %s: пікір жаңартылды",
	correctIs:   "Дұрыс жауап: %s",
	rightBy:     "Дұрыс жауап бергендер: %s",
	nobodyRight: "Дұрыс жауап жоқ.",
	verdict:     "Конституцияда не делінген:",
	neutral:     "Бұл — Конституция мәтіні, пікірлерге баға емес: шешімді зал береді.",
	voteQ:       "Кімнің дәлелі күштірек?",
	voteHint:    "Нөмірмен дауыс беріңіз. Өз дәлеліңізге дауыс беруге болмайды.",
	noVote:      "Дауыс жоқ.",
	bestIs:      "Зал таңдаған ең жақсы дәлел: %s",
	finalTitle:  "🏆 Баттл қорытындысы",
	topTitle:    "🏆 Осы чаттың үздік ойыншылары",
	topEmpty:    "Бұл чатта әлі ешкім ұпай жинаған жоқ.",
	points:      "%d ұпай",
	exportDone:  "Баттл: %d жазба.",
	reviewTitle: "Тексеруге дейін шетке қойылған баттл сұрақтары (%d):",
	reviewNone:  "Баттлдың барлық сұрағы қолданыстағы мәтінмен сәйкес келеді.",
	approveHint: "Мәтін өзгерсе де сұрақ әлі дұрыс болса: /battle approve <id> немесе /battle approve all.",
	approved:    "Мақұлданған сұрақ: %d. Олар қайта ойында.",
	notApproved: "Мақұлданбады (мәтін оларды енді растамайды, қайта жазу керек): %s",
	usage:       "/battle — 5 раундтық баттл; /battle 10 — 10 раунд; /battle kurultai — тақырып бойынша; /battle 45s — раундқа 45 секунд; /battle top — үздік ойыншылар; /battle export — ойынның CSV файлы.",
}

func battleTextsFor(lang corpus.Lang) *battleTexts {
	if lang == corpus.KK {
		return &battleKK
	}
	return &battleRU
}
