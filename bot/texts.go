package bot

import "atazan/corpus"

// texts are the bot's own words in one language. The answers themselves
// come from the engine; these are the frame around them.
type texts struct {
	greeting     string
	canDo        []string
	examples     []string
	chooseLang   string
	help         string
	helpCommands string
	helpAdmin    string
	langSet      string
	langUsage    string

	articleUsage    string
	articleNotFound string
	articleRange    string // %s: the last article
	pointNotFound   string
	repealed        string
	compareUsage    string
	compareNone     string
	compareNew      string
	in2026, in1995  string
	noCorpus        string

	about      string
	version    string
	notAdvice  string
	privacy    string
	forgotten  string
	unknownCmd string

	nonText     string
	garbage     string
	tooLong     string // %d: the limit
	rateLimited string
	busy        string
	failed      string
	emptyQ      string
	hello       string // small talk: a greeting, thanks, goodbye, "ok"
	welcome     string
	bye         string
	ack         string
	forwardedQ  string
	sources     string

	actArticle string // %s: article number
	actCompare string
	actNow     string // %s: the 2026 article a 1995 one became
	actUp      string
	actDown    string
	thanksUp   string
	thanksDown string
	fbUnknown  string

	// admin
	importUsage    string
	importRefused  string // %s: the reason
	importStaged   string // %s: doc, %s: lang
	importNoChange string
	actActivate    string
	actCancel      string
	activated      string // %s: doc, %s: version
	canceled       string
	stagedGone     string
	indexing       string
	indexingStill  string // %s: elapsed
	indexed        string // %s: elapsed
	indexFailed    string
	rollbackUsage  string
	rolledBack     string // %s: doc, %s: version
	statsTitle     string
	statsCounts    string // %d today, %d week
	statsTop       string
	statsDisliked  string
	statsNone      string
	exportUsage    string
	exportEmpty    string
	exportDone     string // %d rows
	proposal       string // %s: doc, %s: source
	problem        string
	fileTooBig     string
	fileUnreadable string
}

// textsFor returns the texts of lang, Russian for anything but Kazakh.
func textsFor(lang corpus.Lang) *texts {
	if lang == corpus.KK {
		return &kazakh
	}
	return &russian
}

var russian = texts{
	greeting: "Сәлем! Я Atazan — бот, который объясняет Конституцию Республики Казахстан простыми словами.",
	canDo: []string{
		"отвечаю на вопросы о правах и обязанностях, государстве, выборах, судах — всегда со ссылкой на статью;",
		"показываю полный текст статьи: /article 17;",
		"сравниваю новую Конституцию 2026 года с Конституцией 1995 года: /compare 17;",
		"понимаю вопросы на русском и казахском (кириллицей и латиницей).",
	},
	examples:     []string{"Со скольки лет можно работать?", "Что такое Курултай?", "Можно ли не служить в армии?"},
	chooseLang:   "Выберите язык:",
	help:         "Просто напишите вопрос — я найду, что говорит Конституция, и укажу статью. Можно уточнять: «а если мне 17?»",
	helpCommands: "/article N [пункт] — текст статьи\n/article N 1995 — статья Конституции 1995 г.\n/compare N — статья 2026 г. рядом со статьёй 1995 г.\n/lang kk|ru — язык ответов\n/about — источники и версии\n/privacy — что я храню\n/forget — удалить мои данные",
	helpAdmin:    "Для администраторов: файл с подписью /import kz2026 kk — загрузить текст; /rollback kz2026 — вернуть прежнюю версию; /stats — статистика; /export feedback — оценки в CSV.",
	langSet:      "Готово: буду отвечать по-русски, если вопрос не задан на другом языке.",
	langUsage:    "Напишите /lang kk или /lang ru — или выберите кнопкой.",

	articleUsage:    "Укажите номер статьи, например: /article 17 или /article 17 2 (статья 17, пункт 2). Статья Конституции 1995 г.: /article 17 1995.",
	articleNotFound: "В этом тексте нет статьи %s.",
	articleRange:    " В нём статьи 1–%s.",
	pointNotFound:   "В статье %s нет пункта %s.",
	repealed:        "(утратил силу)",
	compareUsage:    "Укажите номер статьи новой Конституции, например: /compare 17.",
	compareNone:     "Для статьи %s не нашлось соответствия в Конституции 1995 года.",
	compareNew:      "Похоже, это новая норма: в Конституции 1995 г. её не было.",
	in2026:          "Конституция 2026 г.",
	in1995:          "Конституция 1995 г.",
	noCorpus:        "Текст Конституции ещё не загружен. Попробуйте позже.",

	about:     "Я отвечаю только по официальным текстам Конституции Республики Казахстан (источник — ИПС «Әділет» Министерства юстиции РК):",
	version:   "версия",
	notAdvice: "Это справка, а не юридическая консультация. С конкретной ситуацией лучше обратиться к юристу или в центр бесплатной юридической помощи.",
	privacy: "Что я храню:\n• ваш выбранный язык;\n• ваши вопросы и мои ответы — чтобы понимать уточнения и чтобы администраторы видели, какие вопросы задают;\n• ваши оценки 👍/👎 ответов;\n• счётчик сообщений за минуту (защита от спама).\n" +
		"Я не храню имя, номер телефона и другие сообщения. /forget удаляет всё это навсегда.",
	forgotten:  "Готово: я удалил ваш язык, вопросы, ответы и оценки.",
	unknownCmd: "Не знаю такой команды. Список команд: /help",

	nonText:     "Я понимаю только текст. Напишите вопрос словами, например: «Со скольки лет можно работать?»",
	garbage:     "Не получилось прочитать сообщение. Напишите вопрос обычным текстом, например: «Что такое Курултай?»",
	tooLong:     "Сообщение слишком длинное. Сформулируйте вопрос короче — до %d символов.",
	rateLimited: "Вы пишете очень быстро 🙂 Подождите минуту и спросите снова.",
	busy:        "Сейчас очень много вопросов, я не успеваю. Спросите, пожалуйста, ещё раз через минуту.",
	failed:      "Извините, что-то пошло не так. Попробуйте ещё раз чуть позже.",
	emptyQ:      "Напишите вопрос о Конституции — например: «Что такое Курултай?»",
	hello:       "Привет! 👋 Задайте вопрос о Конституции — например: «Что такое Курултай?» или «Со скольки лет можно работать?» Все команды: /help",
	welcome:     "Пожалуйста! Если появятся ещё вопросы о Конституции — пишите.",
	bye:         "До свидания! Если появятся вопросы о Конституции — пишите.",
	ack:         "Хорошо 🙂 Если появятся ещё вопросы о Конституции — пишите.",
	forwardedQ:  "Вопрос: ",
	sources:     "Источники: ",

	actArticle: "📖 Статья %s",
	actCompare: "🔁 Как было в 1995",
	actNow:     "➡️ Сейчас: статья %s",
	actUp:      "👍",
	actDown:    "👎",
	thanksUp:   "Спасибо за оценку!",
	thanksDown: "Спасибо! Мы посмотрим, как улучшить этот ответ.",
	fbUnknown:  "Этот ответ уже удалён.",

	importUsage:    "Подпись к файлу: /import kz2026 kk (документ kz2026 или kz1995, язык kk, ru или en).",
	importRefused:  "Файл не принят, ничего не изменилось.\n%s",
	importStaged:   "Проверка пройдена: %s, язык %s. Что изменится:",
	importNoChange: "Текст совпадает с действующим — менять нечего.",
	actActivate:    "✅ Применить",
	actCancel:      "✖️ Отменить",
	activated:      "Применено: %s, версия %s.",
	canceled:       "Отменено, ничего не изменилось.",
	stagedGone:     "Эта загрузка уже применена или отменена.",
	indexing:       "Переиндексирую… Пока идёт индексация, ответы даются по прежнему тексту.",
	indexingStill:  "Всё ещё индексирую (%s)…",
	indexed:        "Индекс готов (%s): ответы идут по новому тексту.",
	indexFailed:    "Индексация не удалась, ответы идут по прежнему индексу. Подробности в журнале.",
	rollbackUsage:  "Укажите документ: /rollback kz2026",
	rolledBack:     "Возвращена прежняя версия: %s, версия %s.",
	statsTitle:     "Статистика",
	statsCounts:    "Вопросов сегодня: %d, за 7 дней: %d",
	statsTop:       "Частые вопросы за 7 дней:",
	statsDisliked:  "Ответы с 👎 — проверить:",
	statsNone:      "пока нет",
	exportUsage:    "Напишите: /export feedback",
	exportEmpty:    "Оценок пока нет.",
	exportDone:     "Оценки: %d строк.",
	proposal:       "На официальном источнике изменился текст: %s (%s). Проверка пройдена. Что изменится:",
	problem:        "⚠️ Проблема с официальным источником: ",
	fileTooBig:     "Файл слишком большой (больше %d МБ).",
	fileUnreadable: "Не удалось получить файл: %s",
}

var kazakh = texts{
	greeting: "Сәлем! Мен Atazan — Қазақстан Республикасының Конституциясын қарапайым тілмен түсіндіретін ботпын.",
	canDo: []string{
		"құқықтар мен міндеттер, мемлекет, сайлау, сот туралы сұрақтарға жауап беремін — әрдайым бапқа сілтеме жасаймын;",
		"баптың толық мәтінін көрсетемін: /article 17;",
		"2026 жылғы жаңа Конституцияны 1995 жылғы Конституциямен салыстырамын: /compare 17;",
		"қазақша (кирилл және латын әліпбиімен) және орысша сұрақтарды түсінемін.",
	},
	examples:     []string{"Неше жастан жұмыс істеуге болады?", "Құрылтай деген не?", "Әскерде қызмет етпеуге бола ма?"},
	chooseLang:   "Тілді таңдаңыз:",
	help:         "Сұрағыңызды жаза беріңіз — Конституцияда не айтылғанын тауып, бабын көрсетемін. Нақтылап сұрауға да болады: «ал 17 жаста болсам ше?»",
	helpCommands: "/article N [тармақ] — бап мәтіні\n/article N 1995 — 1995 жылғы Конституцияның бабы\n/compare N — 2026 жылғы бапты 1995 жылғы баппен салыстыру\n/lang kk|ru — жауап тілі\n/about — дереккөздер мен нұсқалар\n/privacy — мен не сақтаймын\n/forget — деректерімді жою",
	helpAdmin:    "Әкімшілерге: /import kz2026 kk жазуы бар файл — мәтінді жүктеу; /rollback kz2026 — алдыңғы нұсқаны қайтару; /stats — статистика; /export feedback — бағалар CSV түрінде.",
	langSet:      "Дайын: сұрақ басқа тілде қойылмаса, қазақша жауап беремін.",
	langUsage:    "/lang kk немесе /lang ru деп жазыңыз, не батырманы басыңыз.",

	articleUsage:    "Бап нөмірін көрсетіңіз, мысалы: /article 17 немесе /article 17 2 (17-бап, 2-тармақ). 1995 жылғы Конституцияның бабы: /article 17 1995.",
	articleNotFound: "Бұл мәтінде %s-бап жоқ.",
	articleRange:    " Ондағы баптар: 1–%s.",
	pointNotFound:   "%s-бапта %s-тармақ жоқ.",
	repealed:        "(күшін жойған)",
	compareUsage:    "Жаңа Конституцияның бап нөмірін көрсетіңіз, мысалы: /compare 17.",
	compareNone:     "%s-бапқа 1995 жылғы Конституцияда сәйкес бап табылмады.",
	compareNew:      "Бұл жаңа норма сияқты: 1995 жылғы Конституцияда болмаған.",
	in2026:          "2026 жылғы Конституция",
	in1995:          "1995 жылғы Конституция",
	noCorpus:        "Конституция мәтіні әлі жүктелмеген. Кейінірек көріңіз.",

	about:     "Мен тек Қазақстан Республикасы Конституциясының ресми мәтіндері бойынша жауап беремін (дереккөз — ҚР Әділет министрлігінің «Әділет» АҚЖ):",
	version:   "нұсқа",
	notAdvice: "Бұл — анықтама, заңгерлік кеңес емес. Нақты жағдай бойынша заңгерге немесе тегін заң көмегі орталығына жүгінген дұрыс.",
	privacy: "Мен не сақтаймын:\n• таңдаған тіліңізді;\n• сұрақтарыңыз бен жауаптарымды — нақтылау сұрақтарын түсіну үшін және әкімшілер қандай сұрақтар қойылатынын көруі үшін;\n• жауаптарға қойған 👍/👎 бағаларыңызды;\n• бір минуттағы хабарларыңыздың санын (спамнан қорғану үшін).\n" +
		"Атыңызды, телефон нөміріңізді және басқа хабарларыңызды сақтамаймын. /forget мұның бәрін біржола жояды.",
	forgotten:  "Дайын: тіліңізді, сұрақтарыңызды, жауаптарымды және бағаларыңызды жойдым.",
	unknownCmd: "Ондай команданы білмеймін. Командалар тізімі: /help",

	nonText:     "Мен тек мәтінді түсінемін. Сұрағыңызды сөзбен жазыңыз, мысалы: «Неше жастан жұмыс істеуге болады?»",
	garbage:     "Хабарды оқи алмадым. Сұрағыңызды қарапайым мәтінмен жазыңыз, мысалы: «Құрылтай деген не?»",
	tooLong:     "Хабар тым ұзын. Сұрағыңызды қысқартыңыз — %d таңбаға дейін.",
	rateLimited: "Өте жылдам жазып жатырсыз 🙂 Бір минут күтіп, қайта сұраңыз.",
	busy:        "Қазір сұрақ өте көп, үлгермей жатырмын. Бір минуттан кейін қайта сұраңызшы.",
	failed:      "Кешіріңіз, бір қате шықты. Сәл кейінірек қайта көріңіз.",
	emptyQ:      "Конституция туралы сұрақ жазыңыз — мысалы: «Құрылтай деген не?»",
	hello:       "Сәлем! 👋 Конституция туралы сұрағыңызды жазыңыз — мысалы: «Құрылтай деген не?» немесе «Неше жастан жұмыс істеуге болады?» Барлық командалар: /help",
	welcome:     "Оқасы жоқ! Конституция туралы тағы сұрағыңыз болса, жаза беріңіз.",
	bye:         "Сау болыңыз! Конституция туралы сұрағыңыз болса, жаза беріңіз.",
	ack:         "Жарайды 🙂 Конституция туралы тағы сұрағыңыз болса, жаза беріңіз.",
	forwardedQ:  "Сұрақ: ",
	sources:     "Дереккөздер: ",

	actArticle: "📖 %s-бап",
	actCompare: "🔁 1995 жылы қалай болған",
	actNow:     "➡️ Қазір: %s-бап",
	actUp:      "👍",
	actDown:    "👎",
	thanksUp:   "Бағаңызға рақмет!",
	thanksDown: "Рақмет! Бұл жауапты қалай жақсартуға болатынын қарастырамыз.",
	fbUnknown:  "Бұл жауап жойылған.",

	importUsage:    "Файл жазуы: /import kz2026 kk (құжат kz2026 немесе kz1995, тіл kk, ru немесе en).",
	importRefused:  "Файл қабылданбады, ештеңе өзгерген жоқ.\n%s",
	importStaged:   "Тексеруден өтті: %s, тілі %s. Не өзгереді:",
	importNoChange: "Мәтін қолданыстағымен бірдей — өзгертетін ештеңе жоқ.",
	actActivate:    "✅ Қолдану",
	actCancel:      "✖️ Болдырмау",
	activated:      "Қолданылды: %s, нұсқа %s.",
	canceled:       "Болдырылмады, ештеңе өзгерген жоқ.",
	stagedGone:     "Бұл жүктеу әлдеқашан қолданылған немесе болдырылмаған.",
	indexing:       "Қайта индекстеп жатырмын… Индекстеу кезінде жауаптар бұрынғы мәтін бойынша беріледі.",
	indexingStill:  "Әлі индекстеп жатырмын (%s)…",
	indexed:        "Индекс дайын (%s): жауаптар жаңа мәтін бойынша беріледі.",
	indexFailed:    "Индекстеу сәтсіз аяқталды, жауаптар бұрынғы индекс бойынша беріледі. Толығырақ журналда.",
	rollbackUsage:  "Құжатты көрсетіңіз: /rollback kz2026",
	rolledBack:     "Алдыңғы нұсқа қайтарылды: %s, нұсқа %s.",
	statsTitle:     "Статистика",
	statsCounts:    "Бүгінгі сұрақтар: %d, 7 күнде: %d",
	statsTop:       "7 күндегі жиі сұрақтар:",
	statsDisliked:  "👎 алған жауаптар — тексеру керек:",
	statsNone:      "әзірге жоқ",
	exportUsage:    "Былай жазыңыз: /export feedback",
	exportEmpty:    "Әзірге бағалар жоқ.",
	exportDone:     "Бағалар: %d жол.",
	proposal:       "Ресми дереккөзде мәтін өзгерді: %s (%s). Тексеруден өтті. Не өзгереді:",
	problem:        "⚠️ Ресми дереккөзде мәселе: ",
	fileTooBig:     "Файл тым үлкен (%d МБ-тан артық).",
	fileUnreadable: "Файлды алу мүмкін болмады: %s",
}
