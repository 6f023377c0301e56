#include "sound_words.h"

#include <set>

#include "word_table.h"

namespace bewo::rt {
namespace {

using namespace textmatch;


const std::set<u32>& nouns() {
    static const std::set<u32> s = word_set(
        // animals
        "animal pet dog puppy pup hound cat kitten kitty bird songbird crow raven rook owl gull seagull pigeon dove "
        "sparrow robin blackbird thrush lark nightingale cuckoo woodpecker parrot macaw cockatoo budgie canary finch "
        "wren starling swallow jay bluejay cardinal magpie kookaburra eagle hawk falcon vulture buzzard kite heron "
        "loon duck duckling goose geese swan chicken hen rooster cockerel chick turkey peacock grouse pheasant "
        "cow calf bull ox cattle horse pony foal donkey mule sheep lamb goat kid pig piglet hog boar wolf coyote "
        "jackal fox lion lioness tiger leopard jaguar panther cougar bear elephant monkey ape gorilla chimp "
        "chimpanzee baboon orangutan hyena zebra giraffe hippo hippopotamus rhino deer stag elk moose reindeer "
        "frog toad bullfrog cricket cicada grasshopper katydid bee bumblebee wasp hornet fly mosquito gnat beetle "
        "insect whale humpback orca dolphin porpoise seal walrus penguin bat mouse mice rat squirrel chipmunk hamster "
        "rabbit hare snake rattlesnake alligator crocodile dinosaur dragon griffin gryphon unicorn herd flock pack "
        "swarm troupe colony livestock poultry critter creature beast monster zombie ghost demon spirit giant troll "
        "orc goblin witch wizard fairy elf banshee alien robot android cyborg birdsong birdcall birdcalls "
        // instruments, music, voices
        "violin viola cello fiddle bass contrabass guitar banjo mandolin ukulele uke harp lute sitar piano keyboard "
        "keys organ synth synthesizer accordion harmonica flute piccolo clarinet oboe bassoon saxophone sax trumpet "
        "trombone tuba horn bugle cornet recorder bagpipe bagpipes drum drums snare kick hihat hi-hat cymbal gong "
        "tambourine triangle xylophone marimba glockenspiel vibraphone timpani bongo conga djembe tabla castanets "
        "maracas shaker cowbell bell chime windchime didgeridoo erhu koto shamisen theremin kalimba steelpan "
        "jazz blues rock pop techno reggae opera disco funk metal punk hip-hop rap gospel soul lofi lo-fi edm "
        "salsa samba tango waltz polka "
        "vox gtr vocal hats hat clav clavinet toms tom pad pads bv bvs overheads "
        "instrument orchestra band choir chorus quartet trio duet ensemble brass strings woodwinds percussion "
        "rhythm melody tune song songs music chord chords beat riff solo anthem hymn chant chanting lullaby "
        "singer soprano tenor alto baritone vocalist vocals voice rapper dj busker musician guitarist drummer "
        "pianist violinist cellist fiddler bassist trumpeter piper organist harpist flautist saxophonist "
        "radio stereo jukebox speaker speakers loudspeaker megaphone intercom tannoy headphones earbuds "
        "record turntable gramophone boombox podcast broadcast announcement announcer commentator narrator "
        // vehicles
        "vehicle car truck lorry van bus coach train tram streetcar subway metro locomotive motorcycle motorbike "
        "scooter moped bike bicycle plane airplane aeroplane airliner jet helicopter chopper drone rocket "
        "spaceship spacecraft starship shuttle ufo ship boat ferry yacht sailboat canoe kayak submarine tugboat "
        "tractor bulldozer excavator digger forklift ambulance firetruck taxi cab limo limousine jeep convoy "
        "traffic racecar racer dragster tank hovercraft glider blimp zeppelin carriage wagon cart sled sleigh "
        "snowmobile skateboard rollercoaster trolley engine motor siren cyclist rider "
        // machines, household, objects
        "machine fridge refrigerator freezer microwave oven stove cooker kettle toaster blender mixer dishwasher "
        "washer dryer vacuum hoover fan heater radiator boiler furnace aircon conditioner compressor generator "
        "pump drill saw chainsaw hammer jackhammer grinder sander lawnmower mower blower sprinkler hose printer "
        "computer laptop phone telephone cellphone smartphone mobile pager tv television monitor console alarm "
        "clock timer buzzer doorbell whistle beeper elevator lift escalator turbine reactor dynamo "
        "register till scanner photocopier copier shredder typewriter tap faucet shower toilet sink drain pipe "
        "pipes gutter pot pan wok fryer grill barbecue skillet kettle "
        "door doors gate keys "
        "clippers hairdryer razor shaver toothbrush cradle zip zipper velcro score soundtrack bgm "
        "fountain metronome camera projector arcade pinball slot fireworks firework firecracker gun gunfire "
        "gunshot gunshots shot shots rifle pistol shotgun cannon artillery missile bomb grenade explosion "
        "explosions laser blaster phaser sword swords blade blades shield arrow arrows bow bowstring catapult "
        "chain chains anvil forge bellows loom mill windmill waterwheel construction crane rattle "
        "racket kettle sprayer spray vent vents "
        "ventilation wipers indicator notification notifications ui keyboard mouse trackpad "
        "portal teleporter forcefield beacon sonar radar transmitter "
        "receiver walkie-talkie walkie antenna cuckoo-clock "
        "hammering sawing "
        // weather, water, fire, nature
        "rain rainfall raindrops drizzle downpour shower storm thunderstorm thunder lightning wind winds breeze "
        "gale gust gusts hurricane tornado typhoon blizzard hail waves wave surf breakers sea ocean "
        "tide river stream creek brook waterfall falls rapids water fire campfire bonfire flames "
        "embers fireplace wildfire ice "
        "avalanche rockslide landslide volcano geyser earthquake drip drips drops droplets leak bubbles "
        "surf spray foam rainstick "
        // sounds themselves
        "sound sounds noise noises hum humming buzz buzzing beep beeps bleep bleeps blip blips ding dings dong "
        "ring ringing ringtone ping pings click clicks clicking clack clatter crash crashes bang bangs boom booms "
        "thud thuds thump thumps knock knocks knocking tap tapping creak creaking squeak squeaks hiss whoosh swoosh "
        "whizz zap crackle crackling rumble rumbling roar roaring echo echoes tone tones alert alerts signal jingle "
        "jangle rustle rustling splash splashing gurgle sizzle sizzling pop pops crunch snap snaps crack cracks "
        "scratch scratching scrape screech shriek wail wailing howl howling growl purr chirp chirps chirping "
        "tweet tweets cheer cheers cheering applause clapping laughter laugh laughs laughing giggle giggles "
        "scream screams screaming shout shouts shouting yell cry cries crying sob whisper whispers whispering "
        "murmur murmuring chatter chattering conversation talk talking argument debate lecture speech prayer "
        "call calls calling greeting cough coughs coughing sneeze snore snoring breathing heartbeat "
        "footsteps footstep steps footfalls heels boots hooves clip-clop static feedback ambience ambiance "
        "atmosphere soundscape drone stinger sting riser impact hit hits sfx fx foley whistling singing "
        "tick ticking tock tick-tock toot honk honking horns klaxon chime chimes chiming peal toll clang clanging "
        "clank clanking rattle rattling hoot hoots caw caws bark barks barking meow meows moo baa oink quack "
        "neigh whinny bleat croak croaking hissing buzzer bass bassline kick snare groove jingle stomp stomps "
        "claps clap snapping gasp gasps sigh sighs groan groans moan moans yelp yelps whimper whine whines "
        "trill warble drumming drumroll roll rolls splat splats dripping trickle trickling gushing pouring "
        "thunderclap rumbles cracking popping fizz fizzing sputter chug chugging revving idling puff puffs "
        "whir whirring hiss wind-chime voices");
    return s;
}

const std::set<u32>& verbs() {
    static const std::set<u32> s = word_set(
        "bark yap yelp howl growl snarl whimper whine meow mew purr hiss roar rumble thunder boom crash bang "
        "clang clank clatter clink jingle jangle ring chime ding ping beep bleep blip buzz hum drone whir whirr "
        "whistle whoosh swoosh sing chant call cry scream shout yell shriek screech squeal squeak creak groan "
        "moan sigh whisper murmur mutter mumble talk speak say chat chatter laugh giggle cackle chuckle cough "
        "sneeze snore sniff sniffle sob weep wail hoot caw coo quack honk cluck crow tweet chirp chirrup twitter "
        "warble trill cheep squawk gobble neigh whinny moo low bleat baa oink grunt snort bellow trumpet croak "
        "ribbit drum play strum pluck toot blare blast rev idle sputter splutter putter chug tick tock drip "
        "splash splatter gush trickle babble bubble gurgle slosh lap pound patter tap knock rap slam thud thump "
        "stomp stamp clap snap crack crackle pop fizz sizzle rustle crunch scrape scratch scrabble scuttle "
        "shuffle clop gallop rattle jingle tinkle peal toll dong gong echo reverberate resound thrum throb "
        "pulse rage shrill grind hammer saw drill chop type click clack flap flutter sound announce page "
        "alert alarm vibrate bay bray chitter whoop cheer applaud boo jeer heckle bicker argue squabble "
        "fuss hiccup burp gulp slurp chew munch pant wheeze gasp yodel beatbox recite read preach pray "
        "lecture narrate explode detonate erupt fire shoot ricochet zing zap bloop boop hoot howl blow "
        "ring honk shatter smash tear rip squelch swish swirl ripple lap crash break pour spray spatter "
        "strike chime bong clunk clonk plink plonk twang thrash whir roll rumble blubber coo cheep drone "
        "beep rattle creak buzz natter gossip quarrel bawl holler sing hum whistle");
    return s;
}

// Irregular forms of the verbs above ("rang", "sang", "blew").
const std::set<u32>& irregular() {
    static const std::set<u32> s = word_set(
        "rang rung sang sung spoke spoken said cried blew blown shook broke broken beat beaten struck "
        "shot tore torn sprang threw thrown");
    return s;
}

u32 strip_suffix(const u32& w, const u32& suffix) { return w.substr(0, w.size() - suffix.size()); }

// WordNet's things that sound and sounds, for the ones the list above lacks ("chickadee", "sousaphone")
const WordTable& sound_sources() {
    static const WordTable words = read_word_table(
#include "sound_source_words.inc"
    );
    return words;
}

bool in_table(const u32& w) { return sound_sources().words.count(w) > 0 || sound_sources().forms.count(w) > 0; }

// An animal of WordNet's (or its plural): heard wherever it is named ("the guinea fowl are running")
bool an_animal(const u32& w) {
    const auto& t = sound_sources();
    if (t.words.count(w)) return true;
    const auto it = t.forms.find(w);
    return it != t.forms.end() && t.words.count(it->second) > 0;
}

template <class Known>
bool with_plurals(const u32& w, Known known) {
    if (known(w)) return true;
    if (w.size() > 3 && ends_with(w, U"ies") && known(strip_suffix(w, U"ies") + U"y")) return true;
    if (w.size() > 3 && ends_with(w, U"es") && known(strip_suffix(w, U"es"))) return true;
    return w.size() > 2 && ends_with(w, U"s") && known(strip_suffix(w, U"s"));
}

}  // namespace

std::set<u32> word_set(const char* words) {
    std::set<u32> out;
    u32 w;
    const u32 all = from_utf8(words) + U" ";
    for (char32_t c : all) {
        if (c == ' ' || c == '\n') {
            if (!w.empty()) out.insert(w);
            w.clear();
        } else {
            w.push_back(c);
        }
    }
    return out;
}

using namespace textmatch;

bool sound_noun(const u32& w) {
    return with_plurals(w, [](const u32& x) { return nouns().count(x) > 0 || an_animal(x); });
}

bool sound_source_noun(const u32& w) {
    return sound_noun(w) || with_plurals(w, [](const u32& x) { return in_table(x); });
}

std::vector<u32> past_stems(const u32& w) {
    if (w.size() <= 4 || !ends_with(w, U"ed")) return {};
    const u32 stem = strip_suffix(w, U"ed");
    std::vector<u32> out = {stem, stem + U"e"};
    if (stem.back() == stem[stem.size() - 2]) out.push_back(stem.substr(0, stem.size() - 1));  // slammed
    if (stem.back() == 'i') out.push_back(stem.substr(0, stem.size() - 1) + U"y");            // cried
    return out;
}

bool sound_verb(const u32& w) {
    const auto& v = verbs();
    if (v.count(w) || irregular().count(w)) return true;
    if (w.size() > 4 && ends_with(w, U"ies") && v.count(w.substr(0, w.size() - 3) + U"y")) return true;  // cries
    for (const u32& stem : past_stems(w))
        if (v.count(stem)) return true;
    for (const u32 suffix : {U"s", U"es", U"d", U"ing"}) {
        if (w.size() <= suffix.size() + 2 || !ends_with(w, suffix)) continue;
        const u32 stem = strip_suffix(w, suffix);
        if (v.count(stem)) return true;
        if (suffix == U"ing" && v.count(stem + U"e")) return true;  // whining
        // a doubled last consonant: thudding
        if (suffix == U"ing" && stem.back() == stem[stem.size() - 2] &&
            v.count(stem.substr(0, stem.size() - 1)))
            return true;
    }
    return false;
}

namespace {
template <class Test>
bool any_word(const u32& text, Test test) {
    u32 w;
    for (char32_t c : lower(text) + U" ") {
        if (is_letter(c) || c == '-' || c == '\'') {
            w.push_back(c);
            continue;
        }
        if (ends_with(w, U"'s")) w = strip_suffix(w, U"'s");
        if (!w.empty() && test(w)) return true;
        w.clear();
    }
    return false;
}
}  // namespace

bool names_a_sound(const u32& text) {
    return any_word(text, [](const u32& w) { return sound_noun(w) || sound_verb(w); });
}

bool has_sound_noun(const u32& text) {
    return any_word(text, [](const u32& w) { return sound_noun(w) && !sound_verb(w); });
}

bool names_a_part_of_a_thing(const u32& text) {
    static const std::set<u32> parts = word_set(
        "tag tags collar bell bells plate plates cup cups dishes keys wheel wheels engine engines whistle horn servo "
        "servos motor motors nails claws hooves chain chains brakes tyres tires gears boots heels shoes wings paws feet "
        "exhaust propeller propellers rotor rotors blades spurs harness siren sirens");
    static const std::set<u32> lead = word_set("its his her their the one");
    int n = 0;
    bool part = false;
    any_word(text, [&](const u32& w) {
        if (n == 0 && lead.count(w)) return false;  // "its engine", "one wheel"
        part = parts.count(w) > 0;
        return part || ++n >= 2;
    });
    return part;
}

bool names_a_person(const u32& text) {
    static const std::set<u32> people = word_set(
        "someone somebody anyone everyone everybody person people man men woman women guy guys lady ladies boy boys "
        "girl girls child children kid kids baby babies toddler crowd audience neighbour neighbor neighbours neighbors "
        "friend friends mum mom dad father mother grandpa grandma sister brother teacher chef waiter waitress "
        "customer vendor driver passenger nurse doctor worker workers player players jogger runner cyclist stranger "
        "he she they");
    return any_word(text, [&](const u32& w) { return people.count(w) > 0; });
}

}  // namespace bewo::rt
