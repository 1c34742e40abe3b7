"""The clinical vocabulary the evidence checks read with: abbreviations and what they stand for, lay words and the
clinical terms for them, and the cue words of negation, laterality, results and hedging. Data only.

Written from general clinical usage (the abbreviations of a typical outpatient or emergency note), never from the
sentences of an evaluation set: an entry belongs here when a clinician would recognise it without context.
"""

from __future__ import annotations

# fmt: off
# An abbreviation (lower case, as a token) → the words it stands for. Units are here too: "mg" is "milligrams".
ABBREVIATIONS: dict[str, str] = {
    # vitals and measurements
    "bp": "blood pressure", "sbp": "systolic blood pressure", "dbp": "diastolic blood pressure",
    "hr": "heart rate pulse", "pr": "pulse rate", "rr": "respiratory rate breathing",
    "resp": "respiratory rate breathing",
    "spo2": "oxygen saturation sats", "sao2": "oxygen saturation", "o2": "oxygen", "sats": "oxygen saturation",
    "sat": "oxygen saturation", "tmax": "maximum temperature highest fever",
    "afebrile": "no fever", "alt": "liver enzyme test", "ast": "liver enzyme test", "ggt": "liver enzyme test",
    "duplex": "ultrasound doppler scan", "lle": "left lower extremity leg", "rle": "right lower extremity leg",
    "normotensive": "normal blood pressure",
    "temp": "temperature", "t": "temperature", "wt": "weight", "ht": "height", "bmi": "body mass index weight",
    "bpm": "beats per minute", "mmhg": "millimeters mercury", "hgb": "hemoglobin", "hb": "hemoglobin",
    "wbc": "white blood cell count", "plt": "platelets", "bg": "blood glucose sugar", "bgl": "blood glucose sugar",
    "fbg": "fasting blood glucose sugar", "cbg": "blood glucose sugar", "gluc": "glucose sugar",
    "ldl": "cholesterol", "hdl": "cholesterol", "tc": "cholesterol", "egfr": "kidney function",
    "gfr": "kidney function",
    "cr": "creatinine kidney", "bun": "kidney", "k": "potassium", "na": "sodium", "inr": "clotting test",
    "peak": "peak flow", "pef": "peak flow", "fev1": "lung function breathing test",
    "pft": "lung function breathing test", "pfts": "lung function breathing test",
    "hba1c": "a1c sugar glucose", "a1c": "a1c sugar glucose", "tsh": "thyroid", "psa": "prostate",
    # units and amounts
    "mg": "milligrams milligram", "mcg": "micrograms microgram", "g": "grams gram", "kg": "kilograms kilos",
    "lb": "pounds", "lbs": "pounds", "ml": "milliliters", "iu": "units", "u": "units",
    "f": "degrees fahrenheit", "c": "degrees celsius", "min": "minutes", "mins": "minutes", "hrs": "hours",
    "h": "hours", "d": "days", "wk": "week", "wks": "weeks", "mo": "months", "mos": "months",
    "yr": "years", "yrs": "years", "yo": "years old", "y/o": "years old", "ppd": "pack packs per day cigarettes smoke",
    "pk": "pack", "py": "pack years smoke", "oz": "ounces", "etoh": "alcohol drink drinks drinking",
    # frequency and route
    "qd": "daily once day", "od": "daily once day", "daily": "day", "bid": "twice daily day",
    "tid": "three times daily day", "qid": "four times daily day", "qhs": "bedtime night", "hs": "bedtime night",
    "qam": "morning",
    "qpm": "evening night", "prn": "as needed when needed", "po": "by mouth oral", "iv": "intravenous drip",
    "im": "injection shot", "sc": "injection", "subq": "injection", "sl": "under tongue", "inh": "inhaler",
    "mdi": "inhaler puffer", "neb": "nebulizer", "nebs": "nebulizer", "q4h": "every four hours",
    "q6h": "every six hours", "q8h": "every eight hours", "q12h": "every twelve hours", "qw": "weekly",
    "tab": "tablet pill", "tabs": "tablets pills", "cap": "capsule pill", "caps": "capsules pills",
    "gtt": "drops", "puffs": "puff inhaler",
    # history and conditions
    "hx": "history", "pmh": "past medical history", "pmhx": "past medical history", "fhx": "family history",
    "fh": "family history", "shx": "social history", "sh": "social history", "psh": "surgical history surgery",
    "c/o": "complains complaining", "co": "complains", "hpi": "history", "ros": "review",
    "htn": "hypertension blood pressure", "dm": "diabetes sugar", "t2dm": "type 2 diabetes sugar",
    "t1dm": "type 1 diabetes sugar", "dm2": "type 2 diabetes sugar", "iddm": "diabetes insulin",
    "niddm": "diabetes", "hld": "cholesterol hyperlipidemia", "chf": "heart failure",
    "hf": "heart failure", "cad": "coronary artery disease heart", "mi": "myocardial infarction heart attack",
    "stemi": "heart attack", "nstemi": "heart attack", "acs": "acute coronary syndrome heart attack",
    "afib": "atrial fibrillation irregular heartbeat", "af": "atrial fibrillation irregular heartbeat",
    "a-fib": "atrial fibrillation irregular heartbeat", "dvt": "deep vein thrombosis blood clot leg",
    "pe": "pulmonary embolism blood clot lung", "tia": "mini stroke",
    "copd": "chronic obstructive pulmonary disease emphysema lung", "uri": "upper respiratory infection cold",
    "uti": "urinary tract infection bladder", "gerd": "reflux heartburn acid", "ckd": "chronic kidney disease",
    "aki": "acute kidney injury", "osa": "sleep apnea", "ra": "room air rheumatoid arthritis", "oa": "osteoarthritis",
    "mdd": "major depressive disorder depression", "gad": "generalized anxiety disorder anxiety",
    "ptsd": "post traumatic stress disorder trauma", "adhd": "attention deficit", "si": "suicidal ideation thoughts",
    "hi": "homicidal ideation thoughts", "ibs": "irritable bowel", "bph": "prostate",
    "om": "otitis media ear infection", "aom": "acute otitis media ear infection", "rsv": "respiratory syncytial virus",
    "gi": "gastrointestinal stomach gut bowel abdominal", "gu": "genitourinary urinary", "ent": "ear nose throat",
    "uri's": "upper respiratory infection", "sob": "shortness of breath short breath breathless",
    "doe": "shortness of breath exertion", "cp": "chest pain", "ha": "headache", "n/v": "nausea vomiting",
    "nv": "nausea vomiting", "n/v/d": "nausea vomiting diarrhea", "abd": "abdominal abdomen belly stomach",
    "le": "lower extremity leg legs", "les": "lower extremities legs", "ue": "upper extremity arm arms",
    "bue": "both arms", "ble": "both legs", "loc": "loss of consciousness passed out", "rom": "range of motion",
    "ttp": "tender touch", "nad": "no acute distress", "wnl": "within normal limits normal",
    "nkda": "no known drug allergies", "nka": "no known allergies", "sz": "seizure", "fx": "fracture broken",
    "sx": "symptoms", "dx": "diagnosis", "ddx": "differential diagnosis", "tx": "treatment",
    "rx": "prescription prescribe", "f/u": "follow up", "fu": "follow up", "r/o": "rule out", "s/p": "after",
    "w/": "with", "w/o": "without",
    "b/l": "bilateral both", "bilat": "bilateral both", "lt": "left", "rt": "right", "l": "left", "r": "right",
    "lll": "left lower lobe lung", "rll": "right lower lobe lung", "rul": "right upper lobe lung",
    "lul": "left upper lobe lung", "rlq": "right lower quadrant abdomen", "llq": "left lower quadrant abdomen",
    "ruq": "right upper quadrant abdomen", "luq": "left upper quadrant abdomen", "er": "emergency",
    "ed": "emergency", "pcp": "primary care doctor", "ot": "occupational therapy", "pt": "physical therapy patient",
    "ecg": "electrocardiogram ekg heart tracing", "ekg": "electrocardiogram ecg heart tracing",
    "cxr": "chest x-ray xray", "xr": "x-ray xray", "ct": "cat scan", "mri": "scan", "us": "ultrasound",
    "echo": "echocardiogram ultrasound heart", "cath": "catheterization", "cbc": "blood count blood work labs",
    "bmp": "metabolic panel blood work labs", "cmp": "metabolic panel blood work labs",
    "meds": "medications medicines", "med": "medication medicine",
    "lfts": "liver function blood work", "ua": "urinalysis urine", "hcg": "pregnancy test",
    "npo": "nothing by mouth",
    "tm": "eardrum ear drum tympanic membrane ear", "tms": "eardrums ear drums tympanic membranes ears",
    "heent": "head eyes ears nose throat", "op": "oropharynx throat mouth", "pharynx": "throat",
    "oropharynx": "throat mouth", "slr": "straight leg raise",
    "bnp": "heart failure blood test", "trop": "troponin", "strep": "streptococcus throat",
    "rads": "rapid strep", "covid": "coronavirus", "flu": "influenza", "abx": "antibiotics antibiotic",
    "nsaid": "anti-inflammatory ibuprofen", "nsaids": "anti-inflammatory ibuprofen", "ssri": "antidepressant",
    "ocp": "birth control pill", "ics": "steroid inhaler", "laba": "inhaler", "saba": "rescue inhaler albuterol",
    "ppi": "acid reflux", "acei": "ace inhibitor", "arb": "blood pressure", "hctz": "hydrochlorothiazide water pill",
    "asa": "aspirin", "apap": "acetaminophen tylenol", "ntg": "nitroglycerin", "o2sat": "oxygen saturation",
    "phq": "depression questionnaire", "phq-9": "depression questionnaire", "gad-7": "anxiety questionnaire",
    "yo.": "years old", "mo.": "months", "approx": "about approximately", "~": "about",
    # single clinical words whose six-letter stem another word shares ("nocturia", "nocturnal"): expanded, not
    # grouped, so the other word is not read as them
    "nocturia": "night urinate urinating pee peeing bathroom", "discharged": "sent home went home",
    "crp": "c-reactive protein inflammation marker", "esr": "sed rate sedimentation inflammation marker",
    "dexa": "bone density scan", "mcp": "knuckle knuckles hand", "mcps": "knuckles hand",
    "pip": "finger joint", "pips": "finger joints", "synovitis": "swollen joint joints swelling inflamed",
    "angioedema": "swelling swelled swollen lips tongue throat face",
    "ctab": "clear lungs both sides", "cta": "clear lungs", "rrr": "regular rate rhythm heart",
    "odt": "dissolving tablet", "rtc": "return to clinic follow up", "cont": "continue",
    "d/c": "discontinue stop", "dc": "discontinue stop",
    "hfref": "heart failure reduced ejection fraction", "hfpef": "heart failure preserved ejection fraction",
    "ef": "ejection fraction", "vte": "venous thromboembolism blood clot", "rn": "nurse",
    "perrl": "pupils equal round reactive light eyes", "perrla": "pupils equal round reactive light eyes",
    "eomi": "extraocular movements intact eyes", "gdm": "gestational diabetes sugar",
    "fhr": "fetal heart rate baby heartbeat", "shs": "secondhand smoke", "d/o": "disorder",
    "aecopd": "copd exacerbation flare", "uop": "urine output", "ams": "altered mental status confusion",
    # clinical words a note uses where speech says the everyday one
    "bilateral": "both", "unilateral": "one side", "pedal": "feet foot", "cervical": "neck", "lumbar": "back",
    "thoracic": "chest back", "abdominal": "belly stomach tummy", "gastric": "stomach", "renal": "kidney kidneys",
    "hepatic": "liver", "cardiac": "heart", "pulmonary": "lung lungs", "cerebral": "brain", "ocular": "eye eyes",
    "otic": "ear ears", "nasal": "nose", "oral": "mouth", "cutaneous": "skin", "dermal": "skin",
    "nocturnal": "night nighttime", "postprandial": "after eating meals", "ambulation": "walking walk",
    "ambulate": "walk walking", "ambulating": "walking", "pruritic": "itchy itching", "erythematous": "red",
    "edematous": "swollen swelling", "tender": "sore hurts", "supine": "lying flat", "gait": "walking",
    "lateral": "outside outer", "medial": "inside inner", "posterior": "back behind", "anterior": "front",
    "plantar": "sole bottom foot", "dorsal": "top back",
}

# Clinical abbreviations that spell a name in the drug dictionary but are no drug in a note.
NOT_DRUGS = frozenset(("ctab", "cta", "rrr", "perrl", "perrla", "eomi", "nad", "odt"))
# Brand names in everyday use that the drug dictionary lacks, with the generic drugs they hold.
BRANDS = {
    "keflex": ("cephalexin",), "norco": ("hydrocodone", "acetaminophen"), "vicodin": ("hydrocodone", "acetaminophen"),
    "percocet": ("oxycodone", "acetaminophen"), "augmentin": ("amoxicillin", "clavulanic acid"),
    "z-pack": ("azithromycin",), "z-pak": ("azithromycin",), "zpack": ("azithromycin",),
}  # fmt: skip

# Units of measure: checked with the number they follow, never words a statement must find on their own.
UNITS = frozenset((
    "mg", "mcg", "g", "kg", "lb", "lbs", "ml", "iu", "u", "f", "c", "min", "mins", "h", "d", "wk", "wks", "mo", "mos",
    "yr", "yrs", "oz", "mmhg", "bpm", "%", "degrees", "milligrams", "milligram", "micrograms", "kilograms", "pounds",
))

UNIT_NAMES = {
    "mg": "mg", "milligram": "mg", "milligrams": "mg", "mcg": "mcg", "microgram": "mcg", "micrograms": "mcg",
    "g": "g", "gram": "g", "grams": "g", "kg": "kg", "kilo": "kg", "kilos": "kg", "kilograms": "kg",
    "lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb", "ml": "ml", "mils": "ml", "mil": "ml",
    "milliliters": "ml", "cc": "ml", "%": "%", "percent": "%", "units": "units", "unit": "units", "iu": "units",
    "mmhg": "mmhg", "bpm": "bpm", "f": "f", "c": "c", "degrees": "degrees",
}

# Lay words and the clinical terms for the same thing. A phrase matches when all its words occur in one clause of
# the text (in any order), so "my blood pressure's been high" matches "high blood pressure".
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("hypertension", "hypertensive", "high blood pressure", "elevated blood pressure", "blood pressure high",
     "blood pressure up", "blood pressure elevated", "pressure high", "pressure up", "pressure running high",
     "blood pressure medicine", "blood pressure medication", "blood pressure pill", "blood pressure pills",
     "blood pressure meds", "pressure above", "pressure's above"),
    ("hypotension", "low blood pressure", "blood pressure low", "drop your pressure", "pressure drop",
     "pressure low", "lower your pressure"),
    ("diabetes", "diabetic", "sugar", "sugars", "glucose", "glycemic", "diabetes mellitus", "type 2 diabetes",
     "type 1 diabetes"),
    ("hyperglycemia", "high sugar", "sugars high", "high glucose", "glucose high"),
    ("hypoglycemia", "hypoglycemic", "low sugar", "sugars low", "low glucose", "lows", "going low", "shaky spells"),
    ("hemoptysis", "coughing up blood", "cough up blood", "blood in sputum", "blood in phlegm", "bloody sputum",
     "blood in the mucus"),
    ("hyperlipidemia", "cholesterol", "lipids", "dyslipidemia"),
    ("dyspnea", "short of breath", "shortness of breath", "breathless", "breathlessness", "winded",
     "trouble breathing", "hard to breathe", "catch my breath", "out of breath", "difficulty breathing",
     "can't breathe", "cannot breathe", "couldn't breathe"),
    ("tachycardia", "heart racing", "racing heart", "fast heart", "heart fast", "palpitations", "pounding heart"),
    ("bradycardia", "slow heart", "heart slow"),
    ("syncope", "fainted", "passed out", "blacked out", "faint", "loss of consciousness"),
    ("presyncope", "lightheaded", "light headed", "dizzy", "dizziness", "woozy"),
    ("vertigo", "room spinning", "spinning"),
    ("emesis", "vomiting", "vomited", "vomit", "threw up", "thrown up", "throwing up", "throw up", "sick to stomach"),
    ("nausea", "nauseous", "nauseated", "queasy", "sick to my stomach"),
    ("diarrhea", "loose stools", "loose stool", "runny stools", "watery stools"),
    ("constipation", "constipated", "hard stools", "can't go"),
    ("pyrexia", "febrile", "fever", "fevers", "feverish", "temperature high", "high temperature", "running hot"),
    ("afebrile", "fever free", "fever gone", "fever broke"),
    ("chills", "rigors", "shivering", "shaking chills"),
    ("diaphoresis", "diaphoretic", "sweating", "sweaty", "sweats", "night sweats"),
    ("fatigue", "tired", "tiredness", "exhausted", "no energy", "worn out", "lethargic", "lethargy", "malaise"),
    ("insomnia", "trouble sleeping", "can't sleep", "not sleeping", "poor sleep", "waking up", "sleep problems"),
    ("anorexia", "poor appetite", "no appetite", "not eating", "appetite down", "loss of appetite",
     "decreased appetite", "not hungry", "haven't been hungry", "haven't wanted to eat", "don't want to eat",
     "didn't want to eat", "can't eat", "off my food", "poor intake", "poor po intake", "poor oral intake",
     "decreased oral intake", "reduced oral intake", "barely eating", "hardly eating", "won't eat",
     "not drinking much", "haven't been drinking much", "barely drinking", "hardly drinking"),
    ("odynophagia", "painful swallowing", "hurts to swallow", "pain swallowing", "swallowing hurts"),
    ("dysphagia", "trouble swallowing", "difficulty swallowing"),
    ("pharyngitis", "sore throat", "throat hurts", "throat pain", "throat sore"),
    ("rhinorrhea", "runny nose", "nose running", "nasal discharge"),
    ("congestion", "stuffy nose", "stuffed up", "congested", "blocked nose"),
    ("cough", "coughing", "coughs"),
    ("productive cough", "coughing up phlegm", "coughing up mucus", "phlegm", "sputum", "mucus"),
    ("wheezing", "wheeze", "wheezy", "whistling"),
    ("chest pain", "chest pressure", "chest tightness", "tight chest", "chest discomfort", "pain in my chest",
     "pressure in my chest"),
    ("headache", "head hurts", "head pain", "head ache", "migraine"),
    ("abdominal pain", "belly pain", "stomach pain", "stomach ache", "tummy ache", "tummy hurts", "belly hurts",
     "stomach hurts", "abdomen hurts"),
    ("dysuria", "burning urination", "burns when i pee", "pain peeing", "painful urination", "burning pee"),
    ("urinary frequency", "peeing a lot", "going a lot", "frequent urination"),
    ("hematuria", "blood in urine", "blood in my pee"),
    ("hematochezia", "blood in stool", "bloody stool", "blood when i go"),
    ("edema", "swelling", "swollen", "swelled", "puffy"),
    ("erythema", "redness", "red", "reddened"),
    ("pruritus", "itching", "itchy", "itch"),
    ("rash", "hives", "urticaria", "breakout", "spots"),
    ("myalgia", "muscle aches", "body aches", "muscles ache", "aching"),
    ("arthralgia", "joint pain", "joints hurt", "joints ache"),
    ("paresthesia", "tingling", "numbness", "pins and needles", "numb"),
    ("weakness", "weak"),
    ("leg", "legs", "lower extremity", "lower extremities", "lower limb", "lower limbs", "calf", "calves", "shin"),
    ("arm", "arms", "upper extremity", "upper extremities", "upper limb", "upper limbs"),
    ("fall", "fell", "fallen", "tripped"),
    ("depression", "depressed", "low mood", "feeling down", "sad", "hopeless", "mood low"),
    ("anxiety", "anxious", "worried", "nervous", "panic", "on edge", "worry"),
    ("suicidal ideation", "thoughts of suicide", "suicidal thoughts", "kill myself", "end my life",
     "hurting yourself", "hurt myself", "harming yourself", "better off dead", "thoughts of harming"),
    ("anhedonia", "no interest", "lost interest", "don't enjoy", "no pleasure"),
    ("alcohol", "drinks", "drinking", "drink", "beer", "beers", "wine", "liquor", "booze"),
    ("tobacco", "smoke", "smoking", "smoker", "cigarettes", "cigarette", "packs", "pack", "vape", "vaping"),
    ("myocardial infarction", "heart attack", "mi"),
    ("stroke", "cva", "brain attack"),
    ("atrial fibrillation", "afib", "atrial fib", "a fib", "irregular heartbeat", "irregular heart rhythm",
     "heart out of rhythm"),
    ("heart failure", "weak heart", "chf", "fluid on lungs"),
    ("anticoagulation", "anticoagulant", "blood thinner", "blood thinners", "thinner"),
    ("asthma", "asthmatic", "reactive airway"),
    ("exacerbation", "flare", "flare up", "flare-up", "flared", "flaring", "worsening", "acting up"),
    ("otitis media", "ear infection", "ear ache", "earache", "ear pain", "ear hurts"),
    ("upper respiratory infection", "cold", "head cold", "viral illness"),
    ("pneumonia", "lung infection", "chest infection"),
    ("urinary tract infection", "bladder infection", "uti"),
    ("electrocardiogram", "ekg", "ecg", "heart tracing", "heart rhythm strip"),
    ("radiograph", "x-ray", "xray", "x ray", "film", "films"),
    ("computed tomography", "ct", "cat scan", "ct scan"),
    ("blood work", "labs", "blood test", "blood tests", "lab work"),
    ("follow up", "follow-up", "come back", "see you again", "recheck", "check back", "return visit", "revisit",
     "see you back", "see her back", "see him back", "see them back", "see you on video",
     "touch base", "check in", "next visit", "next appointment"),
    ("referral", "refer", "referring", "specialist", "send you to"),
    ("prescription", "prescribe", "prescribed", "prescribing", "script", "refill", "refills"),
    ("increase", "increased", "increasing", "raise", "raising", "bump up", "go up", "higher dose", "up the dose",
     "uptitrate"),
    ("decrease", "decreased", "decreasing", "lower", "lowering", "reduce", "reduced", "cut back", "taper", "tapering",
     "cut down"),
    ("discontinue", "discontinued", "stop", "stopped", "stopping", "quit", "quitting", "come off"),
    ("start", "started", "starting", "begin", "began", "onset", "came on", "initiate", "initiated", "put you on",
     "add", "added"),
    ("continue", "continued", "keep", "keep taking", "stay on", "same dose", "remain"),
    ("adherence", "compliance", "compliant", "missing doses", "missed doses", "forget", "forgetting", "forgot",
     "taking it"),
    ("pain", "hurts", "hurt", "hurting", "ache", "aches", "aching", "achy", "sore", "tender", "tenderness", "painful"),
    ("father", "dad", "daddy"), ("mother", "mom", "mum", "mommy"), ("brother", "sibling"), ("sister", "sibling"),
    ("child", "kid", "son", "daughter"),
    ("daily", "every day", "a day", "per day", "each day", "every morning", "once a day"),
    ("nightly", "every night", "at night", "bedtime", "before bed"),
    ("weekly", "every week", "a week", "per week"),
    ("exercise", "exercising", "exertion", "exertional", "walk", "walking", "workout", "gym", "activity", "active"),
    ("weight", "weigh", "pounds", "kilos", "kilograms"),
    ("diet", "eating", "food", "meals"),
    ("sleep", "sleeping", "slept", "asleep"),
    ("allergy", "allergic", "allergies", "reaction"),
    ("orthopnea", "extra pillows", "more pillows", "propped up", "lie flat", "lying flat",
     "sleep sitting up", "recliner", "sleeping in a chair", "sleeps in a chair"),
    ("fracture", "fractured", "broken", "broke", "break", "cracked"),
    ("lymphadenopathy", "swollen glands", "swollen lymph nodes", "swollen nodes", "glands", "lymph nodes"),
    ("splenomegaly", "big spleen", "enlarged spleen", "spleen"),
    ("hepatomegaly", "big liver", "enlarged liver"),
    ("mononucleosis", "mono", "glandular fever"),
    ("covid", "covid-19", "sars-cov-2"),
    ("abscess", "pocket of pus", "pus"),
    ("generalized", "all over", "whole body", "everywhere", "widespread"),
    ("respiratory", "breathing", "breathe", "lungs"),
    ("facial", "face"),
    ("desaturation", "desaturates", "desaturated", "desats", "went down", "dropped", "drops"),
    ("recovers", "recovered", "recovery", "came back up", "back up", "bounced back", "comes back"),
    ("occasionally", "sometimes", "couple times", "once in a while", "now and then", "at times"),
    ("readings", "reading", "numbers", "checking", "checked", "measured"),
    ("improving", "improved", "improvement", "better", "getting better", "coming down", "resolving", "went away",
     "gone away", "going away", "easing", "eased", "settled down"),
    ("previous", "prior", "previously", "last time", "before", "earlier", "used to"),
    # review-of-systems findings and their everyday words
    ("epistaxis", "nosebleed", "nosebleeds", "nose bleed", "nose bleeding", "bloody nose"),
    ("melena", "black stools", "black stool", "tarry stools", "tarry stool", "black tarry", "stools black"),
    ("hematemesis", "vomiting blood", "threw up blood", "throwing up blood", "blood in vomit", "vomited blood"),
    ("urinary incontinence", "incontinence", "incontinent", "accidents", "leaking urine", "wetting", "leak urine"),
    ("urinary retention", "can't pee", "trouble peeing", "difficulty urinating", "trouble starting", "can't empty",
     "hard to pee", "emptying bladder"),
    ("polydipsia", "thirsty", "always thirsty", "very thirsty"),
    ("xerostomia", "dry mouth", "mouth dry", "mouth is dry", "cotton mouth"),
    ("sedation", "drowsy", "drowsiness", "groggy", "sluggish", "foggy", "hungover"),
    ("altered mental status", "confused", "confusion", "disoriented", "disorientation", "not herself", "not himself",
     "not making sense", "delirium", "delirious"),
    ("retractions", "sucking in", "ribs showing", "pulling in", "caving in"),
    ("photophobia", "light sensitivity", "sensitive to light", "light bothers", "bright lights"),
    ("phonophobia", "sensitive to noise", "noise bothers", "sound bothers", "sensitive to sound"),
    ("aura", "zigzag", "zig zag", "flashing lights", "shimmering", "shimmery", "sparkles"),
    ("blurred vision", "blurry vision", "vision blurry", "blurry", "blurred"),
    ("tinnitus", "ringing in ears", "ears ringing", "ringing in my ears"),
    ("heartburn", "reflux", "acid reflux", "indigestion", "burning in chest"),
    ("bloating", "bloated", "gassy"),
    ("weight loss", "lost weight", "losing weight", "weight down", "lost pounds", "pounds down", "pounds lighter"),
    ("weight gain", "gained weight", "put on weight", "weight up", "put on pounds", "gained pounds",
     "pounds heavier"),
    ("contusion", "bruise", "bruised", "bruising"),
    ("head injury", "hit your head", "hit my head", "hit her head", "hit his head", "head strike", "bumped head",
     "struck head"),
    ("sciatica", "down the leg", "down my leg", "shoots down", "radiates down", "down the back of my leg"),
    ("radiculopathy", "pinched nerve", "nerve pinched"),
    ("lumbar", "lower back", "low back"),
    ("pyelonephritis", "kidney infection", "into the kidneys"),
    ("cellulitis", "skin infection"),
    ("gastroenteritis", "stomach bug", "stomach flu", "tummy bug"),
    ("dehydration", "dehydrated", "dried out", "not drinking"),
    ("fetal movement", "baby moving", "kicks", "kicking", "baby moves"),
    ("contractions", "braxton hicks"),
    # more findings and their everyday words
    ("anemia", "anemic", "low blood count", "blood count low", "low hemoglobin", "hemoglobin low", "low iron",
     "iron low", "blood is low", "blood count is low"),
    ("hyperkalemia", "high potassium", "potassium high", "potassium up", "potassium too high", "potassium elevated"),
    ("hypokalemia", "low potassium", "potassium low", "potassium down"),
    ("hypoxemia", "hypoxia", "hypoxic", "low oxygen", "oxygen low", "oxygen down", "sats low", "low sats",
     "oxygen level low", "oxygen levels low"),
    ("diplopia", "double vision", "seeing double", "see double", "seeing two"),
    ("amnesia", "no memory of", "memory loss", "blanked out", "forgetful", "memory worse", "memory problems",
     "losing my memory", "losing his memory", "losing her memory"),
    ("hallucinations", "seeing things", "seeing people", "hearing things", "hearing voices",
     "things that aren't there", "people who aren't there", "people that aren't there"),
    ("hypersomnia", "sleeping a lot", "sleeping more", "sleeping all day", "sleeps all day", "sleeping too much",
     "sleeping longer"),
    ("otorrhea", "ear drainage", "draining from ear", "drainage from ear", "discharge from ear", "fluid from ear",
     "ear leaking", "ear draining", "leaking from ear", "pus from ear"),
    ("xerosis", "dry skin", "skin dry", "skin is dry"),
    ("alopecia", "hair loss", "hair thinning", "thinning hair", "hair falling out", "losing hair", "losing my hair",
     "hair coming out"),
    ("tearfulness", "tearful", "crying", "cries", "cry", "teary", "weepy"),
    ("trauma", "injury", "injured", "injure", "twisted", "stubbed", "got hurt", "got hit",
     "banged", "collision", "came down on"),
    ("peripheral neuropathy", "neuropathy", "nerve damage", "numb feet", "feet numb", "feet are numb",
     "numbness in my feet", "feet tingle"),
    ("purulent", "pus", "pussy", "yellow", "yellowish", "green", "greenish"),
    ("drainage", "draining", "discharge", "oozing", "leaking", "weeping"),
    ("abrasion", "scrape", "scraped", "scratch", "scratched", "graze", "grazed"),
    ("tolerating", "tolerated", "tolerate", "tolerates", "keeping down", "keep down", "keeps down", "kept down",
     "did fine with", "was fine with", "no problem with", "no problems with"),
    ("fluids", "fluid", "liquids", "water", "juice", "pedialyte", "sips", "drinking fluids"),
    ("mild", "slight", "slightly", "a little", "a bit", "little bit", "not too bad", "not bad"),
    ("unable", "can't", "couldn't", "cannot", "not able", "wasn't able", "isn't able", "unable to"),
    ("monitor", "monitoring", "keep an eye", "watch", "watching", "keep track", "track", "check on"),
    ("pending", "waiting", "await", "awaiting", "still out", "sent off", "let you know", "call you with",
     "waiting on", "should be back", "will be back", "get back to you", "hear back", "results tomorrow",
     "haven't finalized", "hasn't finalized", "not back yet", "isn't back yet", "aren't back yet",
     "results come back", "sending off", "send off", "rerun"),
    ("secondhand smoke", "second hand smoke", "passive smoke", "smokes around", "smoke around", "smokes inside",
     "smokes in the house", "smokes outside", "smoke in the house", "smokes on the porch"),
    ("recurrent", "recurring", "again", "another one", "second time", "third time", "happened before",
     "had this before", "keeps coming back"),
    ("relief", "relieves", "relieved", "helps", "helped", "takes the edge off", "took the edge off"),
    ("orthostatic", "standing up", "stand up", "stood up", "getting up", "get up fast", "get up quickly"),
    ("return precautions", "come back if", "come in if", "call if", "go to the er", "go to the emergency",
     "warning signs", "red flags", "call us if"),
    ("saddle anesthesia", "saddle numbness", "numb between legs", "numbness in the groin", "groin numb",
     "numb down there"),
    ("examination", "exam", "examine", "examined", "take a look", "let me look", "let me check", "look in"),
    ("viral", "virus", "viruses"),
    ("admitted", "admit", "admission", "stay overnight", "stay in the hospital", "kept overnight", "kept him",
     "kept her"),
    ("infant", "baby", "newborn", "infants"),
    ("childhood", "as a kid", "as a child", "when i was little", "when i was a kid", "growing up"),
    ("gestation", "gestational", "weeks pregnant", "weeks along", "pregnant"),
    ("fetus", "fetal", "baby"),
    ("vertex", "head down", "head first"),
    ("failed", "didn't pass", "did not pass", "not pass", "over the cutoff", "above the cutoff"),
    ("malleolus", "ankle bone", "ankle bones", "bony part of the ankle"),
    ("ecchymosis", "bruise", "bruised", "bruising", "black and blue", "purple"),
    ("urinalysis", "urine test", "urine sample", "urine dip", "dipstick", "urine shows", "urine showed"),
    ("costovertebral angle tenderness", "cva tenderness", "cvat", "flank tenderness", "tender flank"),
    ("lymphangitis", "lymphangitic", "red streaks", "red streak", "streaking"),
    ("tubal ligation", "tubes tied", "tied my tubes", "tubal"),
    ("weight bearing", "bear weight", "put weight", "walk on it", "stand on it", "put any weight", "walk on",
     "put weight on it"),  # (the longer phrase: "put on weight" is a weight gain)
)
# Terms above that are not findings (body parts, tests, people): a claim that names one affirms nothing a denial
# could contradict ("straight leg raise" is a test, not a finding about the leg). Actions and times are held to
# their polarity ("stop the furosemide" is not "don't stop it"; "at night" is not "not at night").
NOT_FINDINGS = frozenset((
    "leg", "arm", "electrocardiogram", "radiograph", "computed tomography", "blood work", "father", "child",
    "generalized", "respiratory", "facial", "readings", "previous", "tolerating", "fluids", "mild",
    "unable", "monitor", "pending", "recurrent", "relief", "return precautions", "examination", "viral", "admitted",
    "infant", "childhood", "gestation", "fetus", "vertex", "failed", "malleolus", "weight bearing", "drainage",
    "orthostatic",
))

# Terms above of what is done, taken or when, not findings of the body.
PLAN_TERMS = frozenset((
    "follow up", "referral", "prescription", "increase", "decrease", "discontinue", "start", "continue",
    "adherence", "daily", "nightly", "weekly", "exercise", "diet", "sleep", "readings", "previous", "improving",
    "occasionally", "recovers", "monitor", "pending", "tolerating", "return precautions", "examination",
    "admitted", "fluids", "relief",
))

# Words that say a finding has gone: "nausea that resolved" is neither simply affirmed nor denied.
# Everyday words a note says in its own: what is as it should be ("grip strength is good": intact, normal), a habit
# given up ("I quit": a former smoker).
MEANINGS = {"fine": "normal", "okay": "normal", "ok": "normal", "intact": "normal", "unremarkable": "normal",
            "good": "normal", "nl": "normal", "quit": "former", "ex": "former"}  # fmt: skip
RESOLVED = frozenset(("resolved", "resolving", "subsided", "gone", "cleared", "went", "settled", "disappeared"))
# How many times a day a frequency is: "BID" and "twice a day" are 2.
FREQUENCIES = {
    "qd": 1, "od": 1, "daily": 1, "qam": 1, "qpm": 1, "qhs": 1, "nightly": 1, "bid": 2, "twice": 2, "tid": 3,
    "thrice": 3, "qid": 4,
}

# Words that deny what follows them in the same clause ("denies chest pain"; "I haven't thrown up").
NEGATIONS = frozenset((
    "no", "not", "denies", "denied", "deny", "denying", "without", "never", "negative", "none", "nor", "neither",
    "hasn't", "haven't", "hadn't", "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't", "weren't", "won't",
    "can't", "cannot", "nothing", "absent", "nope", "nah", "w/o", "wouldn't", "shouldn't", "couldn't", "avoid",
    "avoids", "avoiding",
))
# Words that deny the word before them: "fever free", "pain-free", "symptom free".
AFTER_NEGATIONS = frozenset(("free",))
# Words after which what is said is a condition, neither affirmed nor denied ("go to the ER if she's drooling").
CONDITIONS = frozenset(("if", "unless", "whether", "otherwise", "case"))
# A short answer that denies everything the question asked about ("Any chest pain?" "No.").
NO_ANSWERS = frozenset((
    "no", "nope", "nah", "never", "none", "negative", "not really", "not at all", "no no", "i don't think so",
    "don't think so", "i don't believe so", "not that i know", "not necessarily",
))
YES_ANSWERS = frozenset(("yes", "yeah", "yep", "yup", "uh-huh", "mm-hmm", "correct", "right", "sometimes", "some",
                         "a little", "a bit", "kind of", "sort of", "definitely", "absolutely", "i do", "it does",
                         "it is", "i have", "i am", "lots", "a lot"))
# Only some of what a question asked about: "Any fever or chills?" "Just chills." (fever is denied).
ONLY_ANSWERS = frozenset(("just", "only"))

SIDES = {"left": "left", "right": "right", "lt": "left", "rt": "right", "bilateral": "both", "both": "both",
         "bilaterally": "both", "b/l": "both", "bilat": "both"}

# A claim that states a result needs evidence that gives one; a test only ordered or pending has none yet.
RESULT_WORDS = {
    "positive": "positive", "pos": "positive", "detected": "positive", "confirmed": "positive", "shows": "positive",
    "showed": "positive", "revealed": "positive", "reveals": "positive", "consistent": "positive",
    "identified": "positive", "confirms": "positive", "demonstrates": "positive", "demonstrated": "positive",
    "grew": "positive", "growing": "positive", "subtherapeutic": "low", "supratherapeutic": "high",
    "negative": "normal", "neg": "normal", "normal": "normal", "unremarkable": "normal", "clear": "normal",
    "wnl": "normal", "fine": "normal", "clean": "normal", "ok": "normal", "okay": "normal", "good": "normal",
    "stable": "normal",
    "elevated": "high", "raised": "high", "increased": "high", "abnormal": "high", "high": "high", "up": "high",
    "decreased": "low", "reduced": "low", "low": "low", "down": "low",
}
# Result words a claim uses only as results (never "high blood pressure" or "low back pain").
CLAIMED_RESULTS = frozenset(("positive", "pos", "detected", "confirmed", "shows", "showed", "revealed", "reveals",
                             "negative", "neg", "normal", "unremarkable", "wnl", "elevated", "raised", "abnormal",
                             "identified", "confirms", "demonstrates", "demonstrated", "grew", "growing",
                             "subtherapeutic", "supratherapeutic"))
PENDING = frozenset(("pending", "waiting", "await", "awaiting", "ordered", "order", "ordering", "send", "sending",
                     "sent", "drawn", "will", "we'll", "i'll", "gonna", "going", "tomorrow", "later", "yet", "should",
                     "schedule", "scheduled", "check", "checking", "get", "getting", "run", "running", "do", "draw"))
# Names of tests: a finding written under one ("Hip X-ray: no fracture") claims its result.
TESTS = frozenset((
    "x-ray", "xray", "radiograph", "mri", "ct", "scan", "ultrasound", "echo", "cbc", "labs", "ekg", "ecg", "culture",
    "panel", "test", "swab", "biopsy", "urinalysis", "ua", "spirometry", "doppler", "imaging", "duplex",
    "arthrogram", "angiogram", "venogram", "mammogram", "eeg", "emg", "colonoscopy", "endoscopy", "egd", "cath",
    "catheterization", "bmp", "cmp",
))
# Words that make a diagnosis a possibility to exclude, not a diagnosis made.
HEDGES = (
    "rule out", "r/o", "ruling out", "check for", "checking for", "make sure it's not", "make sure it isn't",
    "make sure this isn't", "make sure this is not", "make sure that isn't", "make sure there's no",
    "make sure there isn't", "make sure it is not",
    "could be", "might be", "may be", "possibly", "possible", "unlikely", "doubt", "concern for", "worried about",
    "not sure", "whether", "if it's", "if it is", "to exclude", "exclude", "look for", "looking for", "test for",
    "testing for", "see if", "ruled out", "thought about", "on my mind", "wondered about", "wonder about",
    "wondering about", "considered", "considering", "don't think", "do not think", "think about", "thinking about",
    "thought of", "don't see", "do not see", "no sign of", "no signs of", "no evidence of", "doesn't look like",
    "does not look like", "not consistent with", "nothing that points to", "nothing points to",
)
CLAIM_HEDGES = (
    "rule out", "r/o", "possible", "possibly", "probable", "probably", "likely", "suspected", "suspect", "suspicion",
    "query", "?", "versus", "vs", "differential", "ddx", "concern", "consider", "unlikely", "excluded", "exclude",
    "ruled out", "evaluate", "evaluation", "workup", "work-up", "assess", "test for", "testing",
)
# Allergens a drug dictionary does not list as one drug: "allergic to sulfa" names a class.
ALLERGEN_CLASSES = frozenset(("sulfa", "sulfonamide", "sulfonamides", "latex", "iodine", "contrast", "nsaid", "nsaids",
                              "opioid", "opioids", "opiates", "shellfish", "penicillins", "cephalosporins"))
ALLERGY_CUES = frozenset(("allergic", "allergy", "allergies", "hives", "anaphylaxis", "anaphylactic", "reaction",
                          "reactions", "swelled", "intolerant", "intolerance", "can't take", "cannot take"))
# Whose a number is, in a family history or a visit with a relative: a man's or a woman's ("my brother... He was
# sixty-two" is not the sister's age).
GENDERS = {
    **dict.fromkeys(("he", "he's", "his", "him", "father", "dad", "brother", "son", "husband", "grandfather",
                     "grandpa", "uncle", "nephew", "boyfriend"), "man"),
    **dict.fromkeys(("she", "she's", "her", "hers", "mother", "mom", "mum", "sister", "daughter", "wife",
                     "grandmother", "grandma", "aunt", "niece", "girlfriend"), "woman"),
}
# Words that make a pronoun's referent worth looking for in the turns before ("I stopped it").
PRONOUNS = frozenset(("it", "its", "it's", "that", "this", "them", "those", "these", "one", "ones", "they"))
# fmt: on
