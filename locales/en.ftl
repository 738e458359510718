# Lifeline — English. Keys are kebab-case, prefixed by area. Every key here also exists in ru.ftl
# with the same placeables (tests/locales.test.ts checks it). Add new keys in a block under a
# "# --- <area> ---" header.

# --- common ---
error-generic = Sorry, something went wrong on our side. Please try again in a moment; if it keeps happening, send /start.
stale-button = This button no longer works. Send /start to open the menu.
fallback-unknown = I didn't quite catch that. Here is the menu:
menu-title = Main menu. What would you like to do?
menu-back = ‹ Back
menu-settings = ⚙️ Settings
menu-help = ℹ️ Help

# --- start ---
start-welcome =
    Hello! This is Lifeline.

    About 1,500 people in Russia are in prison or under arrest for their words, their faith or their protest against the war. Many of them have never received a single letter. A few lines from outside tell them they are not forgotten.

    Here you can write to one of them. We help you choose a person, explain what the prison censor lets through, then print your letter, post it and bring the reply back to this chat. It is free and takes about 20–30 minutes.

    What would you like to do?

# --- help ---
help-text =
    How Lifeline works

    1. We suggest a person who is waiting for letters, or you find someone yourself.
    2. You write a letter: type it here or send photos of a handwritten one. Before it goes, we check it for things prison censors block.
    3. Volunteers print your letter and post it. You see every step here.
    4. When a reply comes, we send it to this chat.

    Commands:
    /start — main menu
    /settings — settings
    /language — change the language
    /cancel — stop what you are doing
    /help — this help

    We keep only what is needed: your Telegram id, your language and the name you sign with.

# --- settings ---
settings-title = Settings. What would you like to change?
settings-language = 🌐 Language

# --- language ---
language-choose = Choose the language I should speak:
language-changed = Done, I will speak English from now on.
language-name-ru = 🇷🇺 Русский
language-name-en = 🇬🇧 English

# --- cancel ---
cancel-done = All right, stopped. You can start again from the menu.
cancel-nothing = There is nothing to cancel right now.

# --- commands ---
command-start = Main menu
command-settings = Settings
command-language = Change the language
command-help = How Lifeline works
command-cancel = Stop the current action

# --- pdf ---
# Words on the printed letter and in the envelope list (printed in Russian for the prison post).
pdf-recipient-to = To
pdf-recipient-where = Address
pdf-birth-year = born { $year }
pdf-translation-heading = Translation into Russian
pdf-original-heading = Original letter
pdf-letter-code = Letter { $code }
pdf-page-of = Page { $page } of { $total }
pdf-return-address = Return address
pdf-csv-code = Letter code
pdf-csv-full-name = Recipient's full name
pdf-csv-birth-year = Year of birth
pdf-csv-facility = Facility
pdf-csv-postal-address = Postal address

# --- precheck ---
precheck-intro = We checked your letter for things prison censors usually block or black out. These are only hints: you know your letter best, and you decide what to change.
precheck-clean = We found nothing that prison censors usually object to. Your letter looks ready to go.
precheck-fix = ✏️ Edit the letter
precheck-send-anyway = Send as it is
precheck-not-russian = 🌐 Your letter is not in Russian, or a large part of it is not. That is fine: we will translate it. But censors hold up letters in other languages, so it may take longer to arrive.
precheck-war = ⚠️ The war and the army: { $matches }. Censors black out or stop anything about the war, military action or political news. Tell about your own life instead: your day, your town, what you are reading.
precheck-case = ⚠️ The criminal case: { $matches }. Details of the case, the trial or the sentence can hurt the person and even harm their case, and censors often stop such letters. It is kinder to leave this out; the person will bring it up if they want to.
precheck-lgbt = ⚠️ LGBTQ+ topics: { $matches }. In a Russian prison this can put the person in danger from staff and other inmates, and censors block it. Please leave it out of this letter.
precheck-authorities = ⚠️ Politics and the authorities: { $matches }. Criticism of the authorities, insults or calls to protest can be read as extremism: the letter will be stopped, and it can harm the person. Better leave politics out.
precheck-swearing = ⚠️ Swearing: { $matches }. Censors do not pass letters with swear words, even with letters hidden behind asterisks. Try a softer word.
precheck-phone = ⚠️ A phone number: { $matches }. Letters with phone numbers are blocked. If the person wants to reach you, they can answer your letter through us.
precheck-link = ⚠️ A link or an account name: { $matches }. There is no internet in prison, and censors strike out links. Describe in your own words what is there.
precheck-email = ⚠️ An e-mail address: { $matches }. Censors block contact details, and the reply will come to this chat anyway. Please remove it.
precheck-address = ⚠️ A postal address: { $matches }. Please do not give your address: we post the letter ourselves, the reply comes back to this chat, and you stay safer.
precheck-codes = ⚠️ Abbreviations, codes or foreign words: { $matches }. Censors suspect hidden messages in anything they cannot understand. Write words out in full, in Russian.
precheck-slogans = 💬 Stock phrases: { $matches }. Words like “hang in there” are meant kindly but sound empty, and promises like “you will be free soon” may not come true. A few lines about your own life will mean more.
