/// A few KB of plain English prose (written for this repository) for tiny training runs.
public enum TinyCorpus {
    /// The corpus text.
    public static let text = """
The river town woke before the sun. Fishermen carried their nets down the stone steps, and the baker lit the ovens that had warmed the square for a hundred years. A boy ran along the quay with a basket of bread, counting the boats as he went: one red, two blue, three with white sails, and the old grey barge that never seemed to move.

In the tower above the market a clock kept the hours. Its keeper was an old woman who climbed the stairs each morning to wind the spring and oil the wheels. She said the clock was honest because it did the same thing every day, in the same order, and so anyone who watched it long enough could say what it would do next.

The teacher at the school on the hill liked that idea. She told her pupils that a sum is a promise: if two people add the same numbers in the same order, they must reach the same answer. If they do not, one of them has made a mistake, and the mistake can be found by going back, step by step, to the first place where their work differs.

So the children practised. They wrote long columns of figures on their slates and added them from the top, never from the bottom, and they compared their answers in pairs. When two slates disagreed, they walked back through the column together until they found the line where one of them had slipped. It was slow at first, but soon they could find a slip in a column of fifty numbers before the bell rang.

In summer the fair came to the meadow by the river. There were tents of striped canvas, a carousel with painted horses, and a man who sold small glass birds that whistled when you blew through their tails. The children spent their coins on sweets and rides, and in the evening they sat on the bank and watched the lanterns drift past on the water.

The miller, who was careful with everything, kept a ledger of every sack of grain that came to his wheel. Each evening he copied the day's figures into a second book, and each week his brother checked the two books against each other. They had never found a difference, but the miller said that was the point: a record that can be checked is worth more than a record that must be trusted.

Autumn brought rain and the smell of wood smoke. The leaves on the plane trees turned yellow and fell into the gutters, and the boats stayed in the harbour when the wind was high. In the evenings the town gathered in the hall to hear stories, and the oldest stories were always about the sea: storms that came without warning, ships that found their way home by a single light, and sailors who kept their promises.

When winter came the river froze at the edges, and the clock in the tower kept time as it always had. The keeper climbed her stairs, the baker lit his ovens, and the children added their columns from the top. Nothing in the town was fast, but everything in it could be checked, and the people who lived there found that a comfort.
"""
}
