//! The sampling frame: each city's list of streets (and microdistricts), read from CSV text.
//!
//! KMRS drew its routes from the election lists, which name every street and microdistrict of a
//! city. A frame row is one street: its Russian and Kazakh names, district, the range of house
//! numbers, which hand the odd numbers are on when walking in ascending order (empty for a
//! microdistrict, whose buildings are numbered without sides), the kind of buildings and, where
//! known, the number of dwellings (for draws weighted by size). [`parse_frame`] checks every row and
//! returns every problem with its line, column and a message in Russian, Kazakh and English. Lines
//! starting with `#` are comments (the shipped demo frames say so in their first line).

use serde::{Deserialize, Serialize};

use crate::settings::FieldworkSettings;
use crate::text::Localized;

/// The columns of a frame file; `dwellings`, `turns_low` and `turns_high` may be left out of the header
/// or left empty.
pub const COLUMNS: [&str; 11] = [
    "city",
    "street_ru",
    "street_kk",
    "district",
    "from_number",
    "to_number",
    "odd_side",
    "building_type",
    "dwellings",
    "turns_low",
    "turns_high",
];

/// The highest house number a frame row may give.
pub const MAX_HOUSE_NUMBER: u32 = 100_000;

/// The highest number of dwellings a frame row may give (a guard against a misplaced column).
pub const MAX_DWELLINGS: u32 = 10_000_000;

/// Left or right, as seen by the interviewer walking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Hand {
    Left,
    Right,
}

impl Hand {
    /// The other hand.
    pub fn other(self) -> Hand {
        match self {
            Hand::Left => Hand::Right,
            Hand::Right => Hand::Left,
        }
    }
}

/// What kind of buildings line the street.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BuildingType {
    /// Single (private) houses: every n-th house is selected.
    Houses,
    /// Apartment blocks: every n-th flat is selected.
    Flats,
    /// Both: the interviewer says for each building which it is.
    Mixed,
}

/// One street of the frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Street {
    /// The line of the CSV text the street came from (1-based, comments and header counted).
    pub line: u64,
    pub city: String,
    pub street_ru: String,
    pub street_kk: String,
    pub district: String,
    pub from_number: u32,
    pub to_number: u32,
    /// The hand the odd numbers are on when walking in ascending order; `None` for a microdistrict
    /// whose buildings are numbered without sides.
    pub odd_side: Option<Hand>,
    pub building_type: BuildingType,
    pub dwellings: Option<u32>,
    /// Where a walk leaving the street at its low end (below `from_number`, walking towards lower
    /// numbers) goes on: the streets to the right, straight ahead and to the left (`turns_low`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turns_low: Option<Turns>,
    /// The same at the high end (above `to_number`, walking towards higher numbers; `turns_high`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turns_high: Option<Turns>,
}

/// The crossing at one end of a street, as the walker leaving the street there sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Turns {
    pub right: Option<TurnTarget>,
    pub straight: Option<TurnTarget>,
    pub left: Option<TurnTarget>,
}

/// Where a turn leads: a street of the same city's frame, the house at the corner (walked from as a
/// start house is: not interviewed), and the direction of the numbers the walk follows on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnTarget {
    pub street_ru: String,
    pub start_house: u32,
    pub direction: crate::draw::Direction,
}

/// Reads one `turns_low` / `turns_high` field: `right | straight | left`, each empty or
/// `<street_ru> <corner house> <asc|desc>` (for example `улица Гоголя 25 asc||улица Ленина 2 desc`).
pub fn parse_turns(text: &str) -> Result<Option<Turns>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = text.split('|').collect();
    if parts.len() != 3 {
        return Err(format!("expected three parts (right|straight|left), found {}", parts.len()));
    }
    let mut out = [None, None, None];
    for (i, part) in parts.iter().enumerate() {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let mut words: Vec<&str> = part.split_whitespace().collect();
        let dir = words.pop().unwrap_or("");
        let direction = match dir {
            "asc" => crate::draw::Direction::Ascending,
            "desc" => crate::draw::Direction::Descending,
            _ => return Err(format!("\"{part}\" must end with asc or desc")),
        };
        let start_house = match words.pop().map(str::parse::<u32>) {
            Some(Ok(n)) if (1..=MAX_HOUSE_NUMBER).contains(&n) => n,
            _ => return Err(format!("\"{part}\" needs the corner house number before asc/desc")),
        };
        if words.is_empty() {
            return Err(format!("\"{part}\" names no street"));
        }
        out[i] = Some(TurnTarget { street_ru: words.join(" "), start_house, direction });
    }
    let [right, straight, left] = out;
    Ok(Some(Turns { right, straight, left }))
}

/// A parsed sampling frame: the streets of one or more cities in file order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Frame {
    pub streets: Vec<Street>,
}

impl Frame {
    /// The streets of one city, in frame order.
    pub fn city<'a>(&'a self, city: &'a str) -> impl Iterator<Item = &'a Street> + 'a {
        self.streets.iter().filter(move |s| s.city == city)
    }

    /// The city ids in the order they first appear.
    pub fn cities(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.streets {
            if !out.contains(&s.city.as_str()) {
                out.push(&s.city);
            }
        }
        out
    }

    /// Rows whose city is not among the study's cities (a typo in the city column).
    pub fn check_cities(&self, settings: &FieldworkSettings) -> Vec<RowError> {
        self.streets
            .iter()
            .filter(|s| settings.city(&s.city).is_none())
            .map(|s| RowError {
                line: s.line,
                column: Some("city".into()),
                message: Localized::new(
                    format!("Города «{}» нет в настройках полевого этапа исследования.", s.city),
                    format!("Зерттеудің далалық кезең баптауларында «{}» қаласы жоқ.", s.city),
                    format!("The city \"{}\" is not in the study's fieldwork settings.", s.city),
                ),
            })
            .collect()
    }
}

/// One problem in the frame text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The line in the CSV text (1-based).
    pub line: u64,
    /// The column, where the problem is in one field.
    pub column: Option<String>,
    pub message: Localized,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {c}: {}", self.line, self.message.en),
            None => write!(f, "line {}: {}", self.line, self.message.en),
        }
    }
}

fn row_error(line: u64, column: Option<&str>, ru: String, kk: String, en: String) -> RowError {
    RowError { line, column: column.map(str::to_string), message: Localized::new(ru, kk, en) }
}

/// Parses a frame from CSV text; on failure every row-level problem is returned.
pub fn parse_frame(csv_text: &str) -> Result<Frame, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .flexible(true)
        .has_headers(false)
        .from_reader(csv_text.as_bytes());

    let mut header: Option<(u64, Vec<String>)> = None;
    let mut index: [Option<usize>; 11] = [None; 11];
    let mut streets: Vec<Street> = Vec::new();

    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(row_error(line, None, format!("Ошибка CSV: {e}."), format!("CSV қатесі: {e}."), format!("CSV error: {e}.")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if header.is_none() {
            let names: Vec<String> = record.iter().map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase()).collect();
            for (i, name) in names.iter().enumerate() {
                match COLUMNS.iter().position(|c| c == name) {
                    Some(k) if index[k].is_none() => index[k] = Some(i),
                    Some(_) => errors.push(row_error(
                        line,
                        Some(name),
                        format!("Столбец «{name}» указан в заголовке дважды."),
                        format!("«{name}» бағаны тақырыпта екі рет берілген."),
                        format!("The column \"{name}\" appears twice in the header."),
                    )),
                    None => errors.push(row_error(
                        line,
                        Some(name),
                        format!("Неизвестный столбец «{name}»; ожидаются: {}.", COLUMNS.join(", ")),
                        format!("«{name}» бағаны белгісіз; күтілетіндер: {}.", COLUMNS.join(", ")),
                        format!("Unknown column \"{name}\"; expected: {}.", COLUMNS.join(", ")),
                    )),
                }
            }
            for (k, col) in COLUMNS.iter().enumerate().take(8) {
                if index[k].is_none() {
                    errors.push(row_error(
                        line,
                        Some(col),
                        format!("В заголовке нет столбца «{col}»."),
                        format!("Тақырып жолында «{col}» бағаны жоқ."),
                        format!("The header has no column \"{col}\"."),
                    ));
                }
            }
            header = Some((line, names));
            continue;
        }
        let names = header.as_ref().map_or(&[][..], |h| &h.1[..]);
        if index.iter().take(8).any(Option::is_none) {
            // The header is unusable; its problems are reported once, not on every row.
            continue;
        }
        if record.len() != names.len() {
            errors.push(row_error(
                line,
                None,
                format!("В строке {} полей, а в заголовке {}.", record.len(), names.len()),
                format!("Жолда {} өріс бар, ал тақырыпта {}.", record.len(), names.len()),
                format!("The row has {} fields but the header has {}.", record.len(), names.len()),
            ));
            continue;
        }
        let field = |k: usize| index[k].map_or("", |i| record.get(i).unwrap_or(""));
        let mut row = RowReader { line, errors: &mut errors };
        let city = row.required(field(0), "city");
        let street_ru = row.required(field(1), "street_ru");
        let street_kk = row.required(field(2), "street_kk");
        let district = field(3).to_string();
        let from_number = row.number(field(4), "from_number", 1, MAX_HOUSE_NUMBER);
        let to_number = row.number(field(5), "to_number", 1, MAX_HOUSE_NUMBER);
        let odd_side = row.odd_side(field(6));
        let building_type = row.building_type(field(7));
        let dwellings = if field(8).is_empty() { Some(None) } else { row.number(field(8), "dwellings", 0, MAX_DWELLINGS).map(Some) };
        let mut turns = [None, None];
        for (i, col) in [(9, "turns_low"), (10, "turns_high")] {
            match parse_turns(field(i)) {
                Ok(t) => turns[i - 9] = t,
                Err(why) => row.error(
                    Some(col),
                    format!("Поле «{col}» не прочитано ({why}): нужно «справа|прямо|налево», каждое пустое или «улица номер asc|desc»."),
                    format!("«{col}» өрісі оқылмады ({why}): «оңға|тура|солға» керек, әрқайсысы бос немесе «көше нөмір asc|desc»."),
                    format!("The field \"{col}\" cannot be read ({why}): expected \"right|straight|left\", each empty or \"street number asc|desc\"."),
                ),
            }
        }
        let [turns_low, turns_high] = turns;
        if let Some(c) = &city {
            if !c.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' || ch == '_') {
                row.error(
                    Some("city"),
                    format!("Код города «{c}»: строчные латинские буквы, цифры, - или _ (например almaty)."),
                    format!("«{c}» қала коды: кіші латын әріптері, цифрлар, - немесе _ (мысалы almaty)."),
                    format!("The city id \"{c}\" must use lowercase Latin letters, digits, - or _ (e.g. almaty)."),
                );
            }
        }
        if let (Some(from), Some(to)) = (from_number, to_number) {
            if from > to {
                row.error(
                    Some("to_number"),
                    format!("Начальный номер {from} больше конечного {to}."),
                    format!("Бастапқы нөмір {from} соңғы нөмір {to}-дан үлкен."),
                    format!("The first number {from} is greater than the last number {to}."),
                );
            }
        }
        let (
            Some(city),
            Some(street_ru),
            Some(street_kk),
            Some(from_number),
            Some(to_number),
            Some(odd_side),
            Some(building_type),
            Some(dwellings),
        ) = (city, street_ru, street_kk, from_number, to_number, odd_side, building_type, dwellings)
        else {
            continue;
        };
        if from_number > to_number {
            continue;
        }
        if let Some(first) = streets.iter().find(|s| s.city == city && s.street_ru.to_lowercase() == street_ru.to_lowercase()) {
            row.error(
                Some("street_ru"),
                format!("Улица «{street_ru}» уже есть в списке города {city} (строка {}).", first.line),
                format!("«{street_ru}» көшесі {city} қаласының тізімінде бар ({}-жол).", first.line),
                format!("The street \"{street_ru}\" is already listed for {city} (line {}).", first.line),
            );
            continue;
        }
        streets.push(Street {
            line,
            city,
            street_ru,
            street_kk,
            district,
            from_number,
            to_number,
            odd_side,
            building_type,
            dwellings,
            turns_low,
            turns_high,
        });
    }
    // A turn must lead to a street of the same city, at a house within its range.
    for s in &streets {
        for (col, turns) in [("turns_low", &s.turns_low), ("turns_high", &s.turns_high)] {
            for t in turns.iter().flat_map(|t| [&t.right, &t.straight, &t.left]).flatten() {
                let target = streets.iter().find(|o| o.city == s.city && o.street_ru.to_lowercase() == t.street_ru.to_lowercase());
                let ok = target.is_some_and(|o| (o.from_number..=o.to_number).contains(&t.start_house));
                if !ok {
                    errors.push(row_error(
                        s.line,
                        Some(col),
                        format!(
                            "Поворот на «{}», дом {}: такой улицы или номера нет в списке города {}.",
                            t.street_ru, t.start_house, s.city
                        ),
                        format!(
                            "«{}», {} үйге бұрылыс: {} қаласының тізімінде мұндай көше не нөмір жоқ.",
                            t.street_ru, t.start_house, s.city
                        ),
                        format!(
                            "The turn to \"{}\" house {}: no such street or number in the list of {}.",
                            t.street_ru, t.start_house, s.city
                        ),
                    ));
                }
            }
        }
    }

    if header.is_none() {
        errors.push(row_error(
            1,
            None,
            "Список улиц пуст: нет даже строки заголовка.".into(),
            "Көшелер тізімі бос: тақырып жолы да жоқ.".into(),
            "The street list is empty: there is not even a header line.".into(),
        ));
    } else if streets.is_empty() && errors.is_empty() {
        errors.push(row_error(
            header.as_ref().map_or(1, |h| h.0),
            None,
            "В списке нет ни одной улицы.".into(),
            "Тізімде бірде-бір көше жоқ.".into(),
            "The list has no street.".into(),
        ));
    }

    if errors.is_empty() {
        Ok(Frame { streets })
    } else {
        Err(errors)
    }
}

/// Reads the fields of one row and records its problems.
struct RowReader<'a> {
    line: u64,
    errors: &'a mut Vec<RowError>,
}

impl RowReader<'_> {
    fn error(&mut self, column: Option<&str>, ru: String, kk: String, en: String) {
        self.errors.push(row_error(self.line, column, ru, kk, en));
    }

    fn required(&mut self, value: &str, column: &str) -> Option<String> {
        if value.is_empty() {
            self.error(
                Some(column),
                format!("Поле «{column}» не заполнено."),
                format!("«{column}» өрісі толтырылмаған."),
                format!("The field \"{column}\" is empty."),
            );
            None
        } else {
            Some(value.to_string())
        }
    }

    fn number(&mut self, value: &str, column: &str, min: u32, max: u32) -> Option<u32> {
        if value.is_empty() {
            return self.required(value, column).and(None);
        }
        match value.parse::<u32>() {
            Ok(n) if n >= min && n <= max => Some(n),
            _ => {
                self.error(
                    Some(column),
                    format!("«{value}» в поле «{column}»: нужно целое число от {min} до {max}."),
                    format!("«{column}» өрісіндегі «{value}»: {min}-ден {max}-ге дейінгі бүтін сан керек."),
                    format!("\"{value}\" in \"{column}\": a whole number from {min} to {max} is needed."),
                );
                None
            }
        }
    }

    fn odd_side(&mut self, value: &str) -> Option<Option<Hand>> {
        match value.to_ascii_lowercase().as_str() {
            "left" => Some(Some(Hand::Left)),
            "right" => Some(Some(Hand::Right)),
            "" | "none" => Some(None),
            _ => {
                self.error(
                    Some("odd_side"),
                    format!("Сторона нечётных номеров: left или right (пусто — микрорайон без сторон), а не «{value}»."),
                    format!("Тақ нөмірлер жағы: left немесе right (бос – жақтары жоқ шағын аудан), «{value}» емес."),
                    format!("odd_side must be left or right (empty for a microdistrict without sides), not \"{value}\"."),
                );
                None
            }
        }
    }

    fn building_type(&mut self, value: &str) -> Option<BuildingType> {
        match value.to_ascii_lowercase().as_str() {
            "houses" => Some(BuildingType::Houses),
            "flats" => Some(BuildingType::Flats),
            "mixed" => Some(BuildingType::Mixed),
            _ => {
                self.error(
                    Some("building_type"),
                    format!("Тип застройки: houses, flats или mixed, а не «{value}»."),
                    format!("Құрылыс түрі: houses, flats немесе mixed, «{value}» емес."),
                    format!("building_type must be houses, flats or mixed, not \"{value}\"."),
                );
                None
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::settings::FieldworkSettings;

    pub(crate) const ALMATY: &str = include_str!("../../../schema/kmrs-2010/frames/almaty.csv");
    pub(crate) const ASTANA: &str = include_str!("../../../schema/kmrs-2010/frames/astana.csv");
    pub(crate) const KARAGANDA: &str = include_str!("../../../schema/kmrs-2010/frames/karaganda.csv");
    pub(crate) const PAVLODAR: &str = include_str!("../../../schema/kmrs-2010/frames/pavlodar.csv");

    #[test]
    fn a_small_frame_parses() {
        let text = "\
# DEMO
city,street_ru,street_kk,district,from_number,to_number,odd_side,building_type,dwellings
almaty,проспект Абая,Абай даңғылы,Бостандыкский,1,190,left,flats,5200
almaty,микрорайон Самал-2,Самал-2 шағын ауданы,Медеуский,1,110,,flats,
";
        let frame = parse_frame(text).unwrap();
        assert_eq!(frame.streets.len(), 2);
        let abaya = &frame.streets[0];
        assert_eq!(abaya.line, 3);
        assert_eq!((abaya.from_number, abaya.to_number, abaya.odd_side), (1, 190, Some(Hand::Left)));
        assert_eq!((abaya.building_type, abaya.dwellings), (BuildingType::Flats, Some(5200)));
        let samal = &frame.streets[1];
        assert_eq!((samal.odd_side, samal.dwellings), (None, None));
        assert_eq!(frame.cities(), ["almaty"]);
    }

    #[test]
    fn the_dwellings_column_may_be_left_out() {
        let text = "city,street_ru,street_kk,district,from_number,to_number,odd_side,building_type\nastana,улица Кенесары,Кенесары көшесі,Сарыаркинский,1,90,right,mixed\n";
        let frame = parse_frame(text).unwrap();
        assert_eq!(frame.streets[0].dwellings, None);
    }

    #[test]
    fn every_row_problem_is_reported_with_line_column_and_three_languages() {
        let text = "\
city,street_ru,street_kk,district,from_number,to_number,odd_side,building_type,dwellings
almaty,улица Жандосова,Жандосов көшесі,Ауэзовский,1,180,left,mixed,2400
almaty,улица Жандосова,Жандосов көшесі,Ауэзовский,1,180,left,mixed,2400
almaty,,Төле би көшесі,Алмалинский,10,x,up,towers,-3
Almaty,улица Гоголя,Гоголь көшесі,Алмалинский,200,100,left,mixed,
almaty,улица Сатпаева,Сәтбаев көшесі
";
        let errors = parse_frame(text).unwrap_err();
        let found: Vec<(u64, Option<&str>)> = errors.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(
            found,
            [
                (3, Some("street_ru")),
                (4, Some("street_ru")),
                (4, Some("to_number")),
                (4, Some("odd_side")),
                (4, Some("building_type")),
                (4, Some("dwellings")),
                (5, Some("city")),
                (5, Some("to_number")),
                (6, None),
            ]
        );
        let duplicate = &errors[0].message;
        assert_eq!(duplicate.en, "The street \"улица Жандосова\" is already listed for almaty (line 2).");
        assert_eq!(duplicate.ru, "Улица «улица Жандосова» уже есть в списке города almaty (строка 2).");
        assert_eq!(duplicate.kk, "«улица Жандосова» көшесі almaty қаласының тізімінде бар (2-жол).");
        assert_eq!(errors[2].to_string(), "line 4, column to_number: \"x\" in \"to_number\": a whole number from 1 to 100000 is needed.");
    }

    #[test]
    fn a_bad_header_is_reported_once() {
        let text = "city,street,street_kk,district,from_number,to_number,odd_side,building_type\nalmaty,a,b,c,1,2,left,houses\n";
        let errors = parse_frame(text).unwrap_err();
        let found: Vec<(u64, Option<&str>)> = errors.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(found, [(1, Some("street")), (1, Some("street_ru"))]);
        assert!(parse_frame("").is_err());
        assert!(parse_frame("# only a comment\n").is_err());
    }

    #[test]
    fn the_demo_frames_parse_and_have_enough_streets() {
        let settings = FieldworkSettings::from_toml(crate::settings::tests::KMRS).unwrap();
        for (city, text) in [("almaty", ALMATY), ("astana", ASTANA), ("karaganda", KARAGANDA), ("pavlodar", PAVLODAR)] {
            assert!(text.starts_with("# DEMO DATA"), "{city}: the first line marks the file as demo data");
            let frame = parse_frame(text).unwrap_or_else(|e| panic!("{city}: {e:#?}"));
            assert_eq!(frame.cities(), [city]);
            assert_eq!(frame.check_cities(&settings), []);
            let n = frame.streets.len() as u32;
            let routes = settings.city(city).unwrap().routes;
            assert!(n >= 40 && n >= routes, "{city}: {n} streets for {routes} routes");
            assert!(frame.streets.iter().all(|s| s.dwellings.is_some()), "{city}: every demo street has dwellings, so weighted draws work");
            assert!(frame.streets.iter().any(|s| s.odd_side.is_none()), "{city}: at least one microdistrict");
            for t in [BuildingType::Houses, BuildingType::Flats, BuildingType::Mixed] {
                assert!(frame.streets.iter().any(|s| s.building_type == t), "{city}: has {t:?}");
            }
            // Kazakh names are written with Cyrillic І/і, never the Latin letter.
            assert!(frame.streets.iter().all(|s| !s.street_kk.contains(['I', 'i'])), "{city}: Latin I in a Kazakh name");
        }
    }

    #[test]
    fn unknown_cities_are_found_against_the_settings() {
        let settings = FieldworkSettings::from_toml(crate::settings::tests::KMRS).unwrap();
        let frame = parse_frame(
            "city,street_ru,street_kk,district,from_number,to_number,odd_side,building_type\nalmaty-city,a,b,c,1,2,left,houses\n",
        )
        .unwrap();
        let errors = frame.check_cities(&settings);
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].column.as_deref()), (2, Some("city")));
    }
}
